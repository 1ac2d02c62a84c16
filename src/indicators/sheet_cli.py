"""`python -m indicators fiche`: territory sheets as one-page A4 PDFs, for one territory or all of the scope's.

Kept apart from __main__ so that the command's options and output live beside the sheets; the
heavy imports (pandas, the lattice) happen only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.i18n import _, ngettext
from indicators.text import comparable

if TYPE_CHECKING:
    from indicators.sheet import Sheet


def add_sheet_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """The `fiche` command and its options (`python -m indicators` adds `--lang`)."""
    sheet = commands.add_parser(
        "fiche", help=_("fiche territoriale A4 (PDF) d'une commune, d'une intercommunalité ou du département")
    )
    target = sheet.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--territory",
        help=_("code INSEE de la commune, SIREN de l'intercommunalité, code du département, ou leur nom"),
    )
    target.add_argument(
        "--all",
        action="store_true",
        help=_("toutes les communes et intercommunalités du territoire configuré, un PDF chacune"),
    )
    sheet.add_argument("--out", type=Path, help=_("fichier PDF à écrire (avec --territory)"))
    sheet.add_argument(
        "--out-dir", type=Path, help=_("dossier où écrire les PDF (avec --all ; par défaut le dossier courant)")
    )
    return sheet


def resolve_territory(asked: str, names: dict[str, str]) -> str | None:
    """A territory code from a code or a name (whatever its case, accents or hyphens), None when unknown."""
    if asked in names:
        return asked
    by_name = {comparable(name): code for code, name in names.items()}
    return by_name.get(comparable(asked))


def option_conflict(args: argparse.Namespace) -> str | None:
    """Why the output options do not go with the target asked for (in the command's language), None when they do."""
    if args.territory and args.out_dir:
        return _("--out-dir va avec --all ; pour une seule fiche, donner --out FICHIER.pdf")
    if args.all and args.out:
        return _("--out va avec --territory ; pour toutes les fiches, donner --out-dir DOSSIER")
    return None


def unknown_territory(asked: str, scope: str, commune: str, interco: str) -> str:
    """The error for a territory neither a code nor a name of the sheets, with an example of each kind
    of code (`scope`: the département's code, `commune` and `interco`: codes of the scope's)."""
    return _(
        "Territoire inconnu : « {territory} ». Donner le code INSEE d'une commune du territoire configuré "
        "(par exemple {commune}), le code SIREN d'une intercommunalité (par exemple {interco}) ou {scope}."
    ).format(territory=asked, commune=commune, interco=interco, scope=scope)


def sheet_paths(args: argparse.Namespace, sheets: list[Sheet]) -> list[Path]:
    """Where each sheet is written (one per sheet under --out-dir with --all, else --out), folders made."""
    from indicators.sheet_export import sheet_file_name

    if args.all:
        folder = args.out_dir or Path(".")
        folder.mkdir(parents=True, exist_ok=True)
        return [folder / sheet_file_name(sheet) for sheet in sheets]
    path = args.out or Path(sheet_file_name(sheets[0]))
    path.parent.mkdir(parents=True, exist_ok=True)
    return [path]


def written_line(sheet: Sheet, path: Path, pdf: bytes) -> str:
    """The line printed for a sheet written: its territory, its file and the file's size and pages."""
    from indicators.formatting import format_number
    from indicators.sheet_export import page_count

    pages = page_count(pdf)
    size = ngettext("{size} ko, {count} page A4", "{size} ko, {count} pages A4", pages).format(
        size=format_number(max(1, round(len(pdf) / 1e3))), count=pages
    )
    return _("- {name} : {path} ({size})").format(name=sheet.name, path=path.resolve(), size=size)


def prepared_sheets(build: Callable[[str], Sheet], codes: list[str]) -> list[Sheet]:
    """Each territory's sheet, with a progress line on the error stream when there are several
    (rewritten in place on a terminal), then a line saying the printing starts."""
    sheets = []
    for done, code in enumerate(codes, start=1):
        sheets.append(build(code))
        if len(codes) > 1:
            progress = _("Fiches préparées : {done} sur {total}").format(done=done, total=len(codes))
            print("\r" + progress, end="", file=sys.stderr, flush=True)
    if len(codes) > 1:
        print("\n" + _("Impression de {count} fiches en PDF…").format(count=len(codes)), file=sys.stderr)
    return sheets


def run_sheets(args: argparse.Namespace) -> int:
    """Write the sheets asked for and print each file written; an error (in the command's language)
    and exit 2 on a bad request."""
    from indicators.config import data_dir, small_count_threshold
    from indicators.formatting import format_number
    from indicators.loading import load_tables, observation_store
    from indicators.observations import index_observations
    from indicators.secret.releases import protected_cells
    from indicators.sheet import build_sheet, sheet_basis, sheet_territories
    from indicators.sheet_export import sheet_pdfs
    from indicators.territories import communes, intercos, names, scope_code

    conflict = option_conflict(args)
    if conflict is not None:
        print(conflict, file=sys.stderr)
        return 2
    tables = load_tables()
    territory_names = {**names(tables.territories)}
    codes = sheet_territories(tables.territories)
    if args.territory:
        code = resolve_territory(args.territory, {code: territory_names[code] for code in [scope_code(), *codes]})
        if code is None:
            example_commune = communes(tables.territories)["territory_code"].iloc[0]
            example_interco = intercos(tables.territories)["territory_code"].iloc[0]
            print(unknown_territory(args.territory, scope_code(), example_commune, example_interco), file=sys.stderr)
            return 2
        codes = [code]
    started = time.perf_counter()
    k = small_count_threshold()
    basis = sheet_basis(
        tables, protected_cells(tables, k, data_dir()), index_observations(tables.field_observations), k
    )
    versions = observation_store().versions()
    sheets = prepared_sheets(lambda code: build_sheet(basis, code, versions), codes)
    pdfs = sheet_pdfs(sheets)
    paths = sheet_paths(args, sheets)
    for sheet, path, pdf in zip(sheets, paths, pdfs):
        path.write_bytes(pdf)
        print(written_line(sheet, path, pdf))
    seconds = format_number(time.perf_counter() - started, 1)
    print(
        ngettext("{count} fiche écrite en {seconds} s.", "{count} fiches écrites en {seconds} s.", len(paths)).format(
            count=len(paths), seconds=seconds
        )
    )
    return 0
