"""Command line: `python -m indicators ingest|export|history|rollback|check|deck|fiche|bench|db-upgrade|hash-password`.

Every write (ingest, rollback) and every export of raw counts (export --unsuppressed) is recorded in
the audit log with who ran it (--who, or the system user). Exit codes: 0 done (or would be, with
--dry-run), 1 refused (nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indicators.config import REPO_ROOT, data_dir, small_count_threshold
from indicators.disclosure import public_cells
from indicators.exports import observations_table, to_french_csv
from indicators.ingest.pipeline import ImportReport, Mode, analyse_upload, commit_import, refuse_import
from indicators.loading import (
    DataFileError,
    demo_observations,
    load_tables,
    observation_store,
)
from indicators.observations import is_demo
from indicators.store.audit import record_unsuppressed_export
from indicators.store.history import restore_version
from indicators.store.protected import protected_cells
from indicators.territories import members


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m indicators", description="Indicateurs : import, export, historique.")
    commands = main.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="importer un fichier CSV ou XLSX d'observations")
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--dry-run", action="store_true", help="tout vérifier, ne rien écrire")
    ingest.add_argument("--json", action="store_true", help="un objet JSON sur la sortie standard")
    ingest.add_argument("--keep-valid", action="store_true", help="importer les lignes valides et laisser les autres")
    ingest.add_argument("--sheet", help="feuille du classeur XLSX (par défaut la première)")
    ingest.add_argument(
        "--indicator", help="indicateur de toutes les lignes, si le fichier n'a pas de colonne indicateur"
    )
    ingest.add_argument("--who", help="qui importe, pour le journal d'audit (par défaut l'utilisateur du système)")
    export = commands.add_parser(
        "export", help="exporter les chiffres de terrain en CSV (format tableur français), secret statistique appliqué"
    )
    export.add_argument("--indicator")
    export.add_argument("--territory", help="code commune INSEE, code SIREN d'un EPT, ou 92 pour le département")
    export.add_argument("--out", type=Path, help="fichier de sortie (par défaut la sortie standard)")
    export.add_argument(
        "--unsuppressed",
        action="store_true",
        help="les effectifs bruts, petits compris (pour un analyste ; inscrit au journal d'audit)",
    )
    export.add_argument("--who", help="qui exporte, pour le journal d'audit (par défaut l'utilisateur du système)")
    commands.add_parser("history", help="lister les versions des observations")
    back = commands.add_parser("rollback", help="revenir à une version (crée une nouvelle version)")
    back.add_argument("version", type=int)
    back.add_argument(
        "--who", help="qui revient en arrière, pour le journal d'audit (par défaut l'utilisateur du système)"
    )
    commands.add_parser("check", help="valider toutes les tables de data/")
    commands.add_parser(
        "bench", add_help=False, help="mesurer l'import et les pages (options : python -m indicators bench --help)"
    )
    commands.add_parser("db-upgrade", help="créer ou mettre à jour le schéma PostgreSQL (DATABASE_URL)")
    commands.add_parser("hash-password", help="empreinte argon2 du mot de passe d'analyste, pour secrets.toml")
    deck = commands.add_parser("deck", help="la présentation hors ligne (HTML autonome), et au besoin PDF et PNG")
    deck.add_argument("--out", type=Path, required=True, help="fichier HTML autonome à écrire")
    deck.add_argument("--pdf", type=Path, help="document PDF à distribuer (une diapositive par page)")
    deck.add_argument("--png-zip", type=Path, help="archive zip des diapositives en PNG 1920×1080")
    from indicators.sheet_cli import add_sheet_parser

    add_sheet_parser(commands)
    return main


def run_ingest(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"Fichier introuvable : {args.file}", file=sys.stderr)
        return 2
    tables = load_tables()
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    report = analyse_upload(
        args.file.read_bytes(),
        args.file.name,
        tables.indicators,
        communes,
        tables.field_observations,
        is_demo(tables.field_observations),
        args.sheet,
        args.indicator,
    )
    mode: Mode = "valid_rows" if args.keep_valid else "all_or_nothing"
    accepted = report.acceptable(mode)
    who = args.who or system_user()
    if not accepted:
        refuse_import(report, mode, user=who, audit_folder=data_dir())
    elif not args.dry_run:
        commit_import(report, observation_store(), mode, user=who, audit_folder=data_dir())
    if args.json:
        print(json.dumps(report.as_json(mode), ensure_ascii=False, indent=2))
    else:
        print_report(report, accepted, args.dry_run)
    return 0 if accepted else 1


def system_user() -> str | None:
    """Who ran the command, for the audit log and the version's author (None if the system cannot say)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def print_report(report: ImportReport, accepted: bool, dry_run: bool) -> None:
    print(
        f"{report.file_name} : {report.rows_read} lignes lues, {report.rows_valid} valides, "
        f"{report.rows_rejected} rejetées"
    )
    for note in report.notes:
        print(f"  note : {note}")
    for finding in report.personal_data:
        print(f"  DONNÉES PERSONNELLES : {finding.message}")
    for error in report.errors:
        where = f"ligne {error.line}" if error.line else "fichier"
        print(f"  erreur {where}, colonne « {error.column} » : {error.message} (valeur : « {error.value} »)")
    for cell in report.misencoded:
        print(f"  encodage : {cell.message}")
    for neutralised in report.neutralised:
        print(
            f"  texte neutralisé ligne {neutralised.line}, colonne « {neutralised.column} » : {neutralised.message} "
            f"(valeur : « {neutralised.value} »)"
        )
    if report.refusal:
        print(f"Refusé : {report.refusal}")
    elif not accepted:
        print(
            "Refusé : des lignes sont invalides (relancer avec --keep-valid pour importer les lignes valides). "
            "Rien n'a été écrit."
        )
    elif report.unchanged:
        print(report.unchanged_message)
    elif dry_run:
        print(f"Accepté (essai, rien n'a été écrit) : {len(report.added)} ajouts, {len(report.changed)} modifications")
    else:
        print(f"Importé : version {report.version}, {len(report.added)} ajouts, {len(report.changed)} modifications")


def run_export(args: argparse.Namespace) -> int:
    """The field figures as a French CSV: by default the protected cells every page shows (« s » where
    the secret hides a count), or with --unsuppressed the raw observations, recorded in the audit log."""
    tables = load_tables()
    observations = tables.field_observations
    known = {
        "indicator": set(tables.indicators["indicator_id"]),
        "territory": set(tables.territories["territory_code"]),
    }
    for option in ("indicator", "territory"):
        if getattr(args, option) and getattr(args, option) not in known[option]:
            print(
                f"{'Indicateur' if option == 'indicator' else 'Territoire'} inconnu : « {getattr(args, option)} »",
                file=sys.stderr,
            )
            return 2
    if args.indicator:
        observations = observations.loc[observations["indicator_id"] == args.indicator]
    if args.unsuppressed:
        codes = members(tables.territories, args.territory) if args.territory else None
        if codes is not None:
            observations = observations.loc[observations["territory_code"].isin(codes)]
        payload = to_french_csv(observations_table(observations), is_demo=is_demo(observations))
        record_unsuppressed_export(
            data_dir(), payload, args.who or system_user(), len(observations), args.indicator, args.territory
        )
    else:
        k = small_count_threshold()
        cells = protected_cells(tables, k, data_dir())
        if args.indicator:
            cells = cells.loc[cells["indicator_id"] == args.indicator]
        if args.territory:
            cells = cells.loc[cells["territory_code"] == args.territory]
        payload = to_french_csv(public_cells(cells, k), is_demo=is_demo(observations))
    if args.out:
        args.out.write_bytes(payload)
    else:
        sys.stdout.buffer.write(payload)
    return 0


def run_history() -> int:
    from indicators.store.history import history_lines

    versions = observation_store().versions()
    for line in history_lines(versions):
        print(line)
    if not versions:
        print("Aucun import : les données fictives de démonstration sont en place (version 0).")
    return 0


def run_deck(args: argparse.Namespace) -> int:
    """Write the offline deck and say what was written, where, and which slides were left out."""
    import zipfile
    from io import BytesIO

    from indicators.config import data_dir, small_count_threshold
    from indicators.deck import left_out, protected_deck, read_deck
    from indicators.deck_export import deck_html, deck_pdf, slides_zip

    def size(path: Path) -> str:
        octets = path.stat().st_size
        return f"{octets / 1e6:.1f} Mo".replace(".", ",") if octets >= 1e6 else f"{max(1, round(octets / 1e3))} ko"

    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count > 1 else ''}"

    planned = read_deck(data_dir())
    slides = protected_deck(load_tables(), planned, small_count_threshold(), data_dir())
    missing = left_out(planned, slides)
    if not slides:
        print(
            "Aucune diapositive à écrire : aucun indicateur de deck.csv n'a de données "
            f"(laissées de côté : {', '.join(missing)}). Rien n'a été écrit.",
            file=sys.stderr,
        )
        return 1
    outputs = [path for path in (args.out, args.pdf, args.png_zip) if path]
    for path in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(deck_html(slides), encoding="utf-8")
    lines = [
        f"Présentation hors ligne : {plural(len(slides), 'diapositive')}.",
        f"- HTML autonome : {args.out.resolve()} ({size(args.out)})",
    ]
    if args.pdf:
        args.pdf.write_bytes(deck_pdf(slides))
        lines.append(
            f"- PDF à distribuer : {args.pdf.resolve()} ({size(args.pdf)}, {plural(len(slides) + 1, 'page')} : "
            "une par diapositive, puis les sources)"
        )
    if args.png_zip:
        archive = slides_zip(slides)
        args.png_zip.write_bytes(archive)
        names = zipfile.ZipFile(BytesIO(archive)).namelist()
        lines.append(
            f"- Images PNG 1920×1080 : {args.png_zip.resolve()} ({size(args.png_zip)}, {plural(len(names), 'image')}) :"
        )
        lines += [f"    {name}" for name in names]
    if missing:
        lines.append(f"Laissées de côté, faute de données : {', '.join(missing)}.")
    print("\n".join(lines))
    return 0


def run_benchmark(argv: list[str]) -> int:
    """The benchmark lives in the repository's benchmarks/ folder, beside the package it measures."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from benchmarks.bench import main as bench

    return bench(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its own options, in benchmarks/bench.py (outside the package: it drives Streamlit)
        return run_benchmark(argv[1:])
    args = parser().parse_args(argv)
    try:
        if args.command == "ingest":
            return run_ingest(args)
        if args.command == "export":
            return run_export(args)
        if args.command == "history":
            return run_history()
        if args.command == "deck":
            return run_deck(args)
        if args.command == "fiche":
            from indicators.sheet_cli import run_sheets

            return run_sheets(args)
        if args.command == "db-upgrade":
            from indicators.config import database_url
            from indicators.store.postgres import upgrade_database

            url = database_url()
            if not url:
                print("DATABASE_URL n'est pas défini : le stockage Parquet n'a pas de schéma à créer.", file=sys.stderr)
                return 2
            print(upgrade_database(url))
            return 0
        if args.command == "hash-password":
            import getpass

            from indicators.access import hash_password

            print(hash_password(getpass.getpass("Mot de passe d'analyste : ")))
            return 0
        if args.command == "rollback":
            info = restore_version(
                data_dir(), observation_store(), args.version, demo_observations(), args.who or system_user()
            )
            print(f"Version {info.version} créée : contenu de la version {args.version}")
            return 0
        load_tables()
        print("Toutes les tables sont valides.")
        return 0
    except DataFileError as error:
        print(str(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
