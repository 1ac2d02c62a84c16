"""`python -m indicators fiche`: territory sheets as one-page A4 PDFs, for one territory or all forty.

Kept apart from __main__ so that the command's options and output live beside the sheets; the
heavy imports (pandas, the lattice) happen only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from indicators.text import comparable


def add_sheet_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sheet = commands.add_parser("fiche", help="fiche territoriale A4 (PDF) d'une commune, d'un EPT ou du département")
    target = sheet.add_mutually_exclusive_group(required=True)
    target.add_argument("--territory", help="code INSEE de la commune, code SIREN de l'EPT, ou 92 pour le département")
    target.add_argument("--all", action="store_true", help="les 36 communes et les 4 EPT, un PDF chacun")
    sheet.add_argument("--out", type=Path, help="fichier PDF à écrire (avec --territory)")
    sheet.add_argument(
        "--out-dir", type=Path, help="dossier où écrire les PDF (avec --all ; par défaut le dossier courant)"
    )


def resolve_territory(asked: str, names: dict[str, str]) -> str | None:
    """A territory code from a code or a name (whatever its case, accents or hyphens), None when unknown."""
    if asked in names:
        return asked
    by_name = {comparable(name): code for code, name in names.items()}
    return by_name.get(comparable(asked))


def run_sheets(args: argparse.Namespace) -> int:
    """Write the sheets asked for and print each file written; French error and exit 2 on a bad request."""
    from indicators.config import data_dir, small_count_threshold
    from indicators.loading import load_tables, observation_store
    from indicators.observations import index_observations
    from indicators.sheet import build_sheet, sheet_basis, sheet_territories
    from indicators.sheet_export import page_count, sheet_file_name, sheet_pdfs
    from indicators.store.protected import protected_cells
    from indicators.territories import DEPARTMENT, names

    if args.territory and args.out_dir:
        print("--out-dir va avec --all ; pour une seule fiche, donner --out FICHIER.pdf", file=sys.stderr)
        return 2
    if args.all and args.out:
        print("--out va avec --territory ; pour toutes les fiches, donner --out-dir DOSSIER", file=sys.stderr)
        return 2
    tables = load_tables()
    territory_names = {**names(tables.territories)}
    codes = sheet_territories(tables.territories)
    if args.territory:
        code = resolve_territory(args.territory, {code: territory_names[code] for code in [DEPARTMENT, *codes]})
        if code is None:
            print(
                f"Territoire inconnu : « {args.territory} ». Donner le code INSEE d'une commune des Hauts-de-Seine "
                "(par exemple 92050), le code SIREN d'un EPT (par exemple 200057982) ou 92.",
                file=sys.stderr,
            )
            return 2
        codes = [code]
    started = time.perf_counter()
    k = small_count_threshold()
    basis = sheet_basis(
        tables, protected_cells(tables, k, data_dir()), index_observations(tables.field_observations), k
    )
    sheets = [build_sheet(basis, code, observation_store().versions()) for code in codes]
    pdfs = sheet_pdfs(sheets)
    if args.all:
        folder = args.out_dir or Path(".")
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / sheet_file_name(sheet) for sheet in sheets]
    else:
        paths = [args.out or Path(sheet_file_name(sheets[0]))]
        paths[0].parent.mkdir(parents=True, exist_ok=True)
    for sheet, path, pdf in zip(sheets, paths, pdfs):
        path.write_bytes(pdf)
        pages = page_count(pdf)
        size = f"{max(1, round(len(pdf) / 1e3))} ko, {pages} page{'s' if pages > 1 else ''} A4"
        print(f"- {sheet.name} : {path.resolve()} ({size})")
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    print(f"{len(paths)} fiche{'s' if len(paths) > 1 else ''} écrite{'s' if len(paths) > 1 else ''} en {seconds} s.")
    return 0
