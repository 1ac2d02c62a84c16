"""Command line: `python -m indicators ingest|export|history|rollback|check|deck|fiche|bench|db-upgrade|hash-password`.

Every write (ingest, rollback) and every export of raw counts (export --unsuppressed) is recorded in
the audit log with who ran it (--who, or the system user). Exit codes: 0 done (or would be, with
--dry-run), 1 refused (nothing written), 2 usage error.

The commands speak French; `--lang en` (export, deck, fiche) writes the files and the output in
English: the whole command runs in that language (`indicators.i18n.in_language`), its help too
(`python -m indicators deck --lang en --help`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indicators.cell_coverage import cell_coverage
from indicators.config import REPO_ROOT, data_dir, small_count_threshold
from indicators.disclosure import public_cells
from indicators.errors import ChromiumError
from indicators.exports import observations_table, public_table, to_csv
from indicators.formatting import format_number
from indicators.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, _, as_language, in_language, ngettext
from indicators.ingest.pipeline import ImportReport, Mode, analyse_upload, commit_import, refuse_import
from indicators.loading import (
    DataFileError,
    demo_observations,
    load_tables,
    observation_store,
)
from indicators.observations import is_demo
from indicators.scope import ScopeError
from indicators.secret.releases import protected_cells
from indicators.store.audit import record_unsuppressed_export
from indicators.store.history import restore_version
from indicators.territories import members


def parser() -> argparse.ArgumentParser:
    """The commands and their options, their help in the current language."""
    main = argparse.ArgumentParser(
        prog="python -m indicators", description=_("Indicateurs : import, export, historique.")
    )
    commands = main.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help=_("importer un fichier CSV ou XLSX d'observations"))
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--dry-run", action="store_true", help=_("tout vérifier, ne rien écrire"))
    ingest.add_argument("--json", action="store_true", help=_("un objet JSON sur la sortie standard"))
    ingest.add_argument(
        "--keep-valid", action="store_true", help=_("importer les lignes valides et laisser les autres")
    )
    ingest.add_argument("--sheet", help=_("feuille du classeur XLSX (par défaut la première)"))
    ingest.add_argument(
        "--indicator", help=_("indicateur de toutes les lignes, si le fichier n'a pas de colonne indicateur")
    )
    ingest.add_argument("--who", help=_("qui importe, pour le journal d'audit (par défaut l'utilisateur du système)"))
    export = commands.add_parser(
        "export",
        help=_("exporter les chiffres de terrain en CSV (format tableur français), secret statistique appliqué"),
    )
    export.add_argument("--indicator")
    export.add_argument(
        "--territory", help=_("code commune INSEE, code SIREN d'une intercommunalité, ou code du département")
    )
    export.add_argument("--out", type=Path, help=_("fichier de sortie (par défaut la sortie standard)"))
    export.add_argument(
        "--unsuppressed",
        action="store_true",
        help=_("les effectifs bruts, petits compris (pour un analyste ; inscrit au journal d'audit)"),
    )
    export.add_argument("--who", help=_("qui exporte, pour le journal d'audit (par défaut l'utilisateur du système)"))
    add_language_option(export)
    commands.add_parser("history", help=_("lister les versions des observations"))
    back = commands.add_parser("rollback", help=_("revenir à une version (crée une nouvelle version)"))
    back.add_argument("version", type=int)
    back.add_argument(
        "--who", help=_("qui revient en arrière, pour le journal d'audit (par défaut l'utilisateur du système)")
    )
    commands.add_parser("check", help=_("valider toutes les tables de data/"))
    commands.add_parser(
        "bench", add_help=False, help=_("mesurer l'import et les pages (options : python -m indicators bench --help)")
    )
    commands.add_parser("db-upgrade", help=_("créer ou mettre à jour le schéma PostgreSQL (DATABASE_URL)"))
    commands.add_parser("hash-password", help=_("empreinte argon2 du mot de passe d'analyste, pour secrets.toml"))
    deck = commands.add_parser("deck", help=_("la présentation hors ligne (HTML autonome), et au besoin PDF et PNG"))
    deck.add_argument("--out", type=Path, required=True, help=_("fichier HTML autonome à écrire"))
    deck.add_argument("--pdf", type=Path, help=_("document PDF à distribuer (une diapositive par page)"))
    deck.add_argument("--png-zip", type=Path, help=_("archive zip des diapositives en PNG 1920×1080"))
    add_language_option(deck)
    from indicators.sheet_cli import add_sheet_parser

    add_language_option(add_sheet_parser(commands))
    return main


def add_language_option(command: argparse.ArgumentParser) -> None:
    """`--lang en|fr` on a command that writes something for others to read (French by default)."""
    command.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help=_("langue des fichiers et des messages : fr (par défaut) ou en"),
    )


def asked_language(argv: list[str]) -> Language:
    """The language asked for by `--lang en` (or `--lang=en`) anywhere on the command line, French
    otherwise: read before the options are parsed, so that the help and the usage errors are in it."""
    for position, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang" and position + 1 < len(argv):
            return as_language(argv[position + 1])
        if word.startswith("--lang="):
            return as_language(word.removeprefix("--lang="))
    return DEFAULT_LANGUAGE


def run_ingest(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(_("Fichier introuvable : {path}").format(path=args.file), file=sys.stderr)
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
        _("{file} : {read} lignes lues, {valid} valides, {rejected} rejetées").format(
            file=report.file_name, read=report.rows_read, valid=report.rows_valid, rejected=report.rows_rejected
        )
    )
    for note in report.notes:
        print(_("  note : {note}").format(note=note))
    for finding in report.personal_data:
        print(_("  DONNÉES PERSONNELLES : {message}").format(message=finding.message))
    for error in report.errors:
        where = _("ligne {line}").format(line=error.line) if error.line else _("fichier")
        print(
            _("  erreur {where}, colonne « {column} » : {message} (valeur : « {value} »)").format(
                where=where, column=error.column, message=error.message, value=error.value
            )
        )
    for cell in report.misencoded:
        print(_("  encodage : {message}").format(message=cell.message))
    for formula in report.formulas:
        print(_("  formule : {message}").format(message=formula.message))
    for neutralised in report.neutralised:
        print(
            _("  texte neutralisé ligne {line}, colonne « {column} » : {message} (valeur : « {value} »)").format(
                line=neutralised.line,
                column=neutralised.column,
                message=neutralised.message,
                value=neutralised.value,
            )
        )
    if report.refusal:
        print(_("Refusé : {reason}").format(reason=report.refusal))
    elif not accepted:
        print(
            _(
                "Refusé : des lignes sont invalides (relancer avec --keep-valid pour importer les lignes valides). "
                "Rien n'a été écrit."
            )
        )
    elif report.unchanged:
        print(report.unchanged_message)
    elif dry_run:
        print(
            _("Accepté (essai, rien n'a été écrit) : {added} ajouts, {changed} modifications").format(
                added=len(report.added), changed=len(report.changed)
            )
        )
    else:
        print(
            _("Importé : version {version}, {added} ajouts, {changed} modifications").format(
                version=report.version, added=len(report.added), changed=len(report.changed)
            )
        )


def run_export(args: argparse.Namespace) -> int:
    """The field figures as a CSV of the command's language (French by default): by default the
    protected cells every page shows (« s » where the secret hides a count), or with --unsuppressed
    the raw observations, recorded in the audit log."""
    tables = load_tables()
    observations = tables.field_observations
    known = {
        "indicator": set(tables.indicators["indicator_id"]),
        "territory": set(tables.territories["territory_code"]),
    }
    for option in ("indicator", "territory"):
        if getattr(args, option) and getattr(args, option) not in known[option]:
            unknown = (
                _("Indicateur inconnu : « {code} »") if option == "indicator" else _("Territoire inconnu : « {code} »")
            )
            print(unknown.format(code=getattr(args, option)), file=sys.stderr)
            return 2
    if args.indicator:
        observations = observations.loc[observations["indicator_id"] == args.indicator]
    if args.unsuppressed:
        codes = members(tables.territories, args.territory) if args.territory else None
        if codes is not None:
            observations = observations.loc[observations["territory_code"].isin(codes)]
        payload = to_csv(observations_table(observations), is_demo=is_demo(observations))
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
        coverage = cell_coverage(observations, tables.territories)
        payload = to_csv(public_table(public_cells(cells, k, coverage)), is_demo=is_demo(observations))
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
        print(_("Aucun import : les données fictives de démonstration sont en place (version 0)."))
    return 0


def run_deck(args: argparse.Namespace) -> int:
    """Write the offline deck and say what was written, where, and which slides were left out."""
    import zipfile
    from io import BytesIO

    from indicators.config import data_dir, small_count_threshold
    from indicators.deck import left_out, protected_deck, read_deck
    from indicators.deck_export import deck_html, deck_pdf, slides_zip

    planned = read_deck(data_dir())
    slides = protected_deck(load_tables(), planned, small_count_threshold(), data_dir())
    missing = left_out(planned, slides)
    if not slides:
        print(
            _(
                "Aucune diapositive à écrire : aucun indicateur de deck.csv n'a de données "
                "(laissées de côté : {left_out}). Rien n'a été écrit."
            ).format(left_out=", ".join(missing)),
            file=sys.stderr,
        )
        return 1
    outputs = [path for path in (args.out, args.pdf, args.png_zip) if path]
    for path in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(deck_html(slides), encoding="utf-8")
    lines = [
        _("Présentation hors ligne : {slides}.").format(
            slides=ngettext("{count} diapositive", "{count} diapositives", len(slides)).format(count=len(slides))
        ),
        _("- HTML autonome : {path} ({size})").format(path=args.out.resolve(), size=file_size(args.out)),
    ]
    if args.pdf:
        args.pdf.write_bytes(deck_pdf(slides))
        pages = len(slides) + 1
        lines.append(
            _("- PDF à distribuer : {path} ({size}, {pages} : une par diapositive, puis les sources)").format(
                path=args.pdf.resolve(),
                size=file_size(args.pdf),
                pages=ngettext("{count} page", "{count} pages", pages).format(count=pages),
            )
        )
    if args.png_zip:
        archive = slides_zip(slides)
        args.png_zip.write_bytes(archive)
        names = zipfile.ZipFile(BytesIO(archive)).namelist()
        lines.append(
            _("- Images PNG 1920×1080 : {path} ({size}, {images}) :").format(
                path=args.png_zip.resolve(),
                size=file_size(args.png_zip),
                images=ngettext("{count} image", "{count} images", len(names)).format(count=len(names)),
            )
        )
        lines += [f"    {name}" for name in names]
    if missing:
        lines.append(_("Laissées de côté, faute de données : {left_out}.").format(left_out=", ".join(missing)))
    print("\n".join(lines))
    return 0


def file_size(path: Path) -> str:
    """A written file's size as the command says it: "2,4 Mo", "85 ko" (in English "2.4 MB", "85 kB")."""
    octets = path.stat().st_size
    if octets >= 1e6:
        return _("{size} Mo").format(size=format_number(octets / 1e6, 1))
    return _("{size} ko").format(size=format_number(max(1, round(octets / 1e3))))


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
    with in_language(asked_language(argv)):
        args = parser().parse_args(argv)
    with in_language(as_language(getattr(args, "lang", DEFAULT_LANGUAGE))):
        return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command, in the current language."""
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
                print(
                    _("DATABASE_URL n'est pas défini : le stockage Parquet n'a pas de schéma à créer."),
                    file=sys.stderr,
                )
                return 2
            print(upgrade_database(url))
            return 0
        if args.command == "hash-password":
            import getpass

            from indicators.access import hash_password

            print(hash_password(getpass.getpass(_("Mot de passe d'analyste : "))))
            return 0
        if args.command == "rollback":
            info = restore_version(
                data_dir(), observation_store(), args.version, demo_observations(), args.who or system_user()
            )
            print(
                _("Version {version} créée : contenu de la version {restored}").format(
                    version=info.version, restored=args.version
                )
            )
            return 0
        load_tables()
        print(_("Toutes les tables sont valides."))
        return 0
    except (DataFileError, ChromiumError, ScopeError) as error:
        # A file that does not meet its schema, or Chromium missing or failing: the French message
        # alone, never a traceback.
        print(str(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
