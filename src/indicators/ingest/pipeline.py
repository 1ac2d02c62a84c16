"""The import pipeline shared by the page and the command line: analyse, preview, then commit.

analyse_upload() never writes: it reads, refuses personal data, validates and computes what
would change. commit_import() is the only writer, and only when the analyst confirms;
refuse_import() records a refusal. Both write their audit entry themselves, for the page and the
command line alike. A refused file leaves nothing behind: its bytes are never written to disk or
logged, only its hash.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from indicators.comparisons import Coverage
from indicators.i18n import N_, _
from indicators.ingest.active_content import FormulaCell
from indicators.ingest.file_kinds import WORKBOOK, file_kind, recognised_binary
from indicators.ingest.parsing import (
    KEY,
    PreparedUpload,
    RowError,
    prepare_observations,
)
from indicators.ingest.privacy import PersonalDataFinding, find_personal_data
from indicators.ingest.reading import (
    DELIMITER_NAMES,
    ActiveContentError,
    MisencodedCell,
    UnreadableFileError,
    read_upload,
)
from indicators.observations import (
    Frequency,
    aggregate_series,
    frequency_choices,
    is_demo,
    overlapped_by,
    period_coverage,
    select_observations,
)
from indicators.secret.rules import ProtectedChange, period_changes
from indicators.store.audit import record
from indicators.store.commits import commit_if_changed
from indicators.store.contract import OBSERVATION_COLUMNS, ObservationStore, VersionInfo
from indicators.store.diff import diff_observations, same_rows, sort_by_key

Mode = Literal["all_or_nothing", "valid_rows"]
IMPORT_SOURCE_PREFIX = "IMPORT_"
# Marked here, translated by `ImportReport.unchanged_message` when shown.
UNCHANGED_MESSAGE = N_(
    "Aucun changement : le fichier n'apporte aucune ligne nouvelle ni aucune valeur différente "
    "de la version en place ; rien n'est écrit."
)
UNCHANGED_DEMO_MESSAGE = N_(
    "Aucun changement : le fichier reproduit les données fictives de démonstration ; rien n'est "
    "écrit, et elles restent signalées comme fictives."
)


def fields_of(items: Iterable[object], *names: str, **renamed: str) -> list[dict[str, object]]:
    """Each item (a problem, a finding, a cell) as the JSON object of its `names` fields, in order,
    then its `renamed` ones (JSON key = field name)."""
    keys = {name: name for name in names} | renamed
    return [{key: getattr(item, name) for key, name in keys.items()} for item in items]


@dataclass
class ImportReport:
    """What an import found and would change; serialisable for `ingest --json`."""

    file_name: str
    sha256: str
    # "fichier CSV", "classeur XLSX", or neither (see indicators.ingest.file_kinds), in the report's language.
    file_kind: str = field(default_factory=lambda: file_kind(None))
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)
    personal_data: list[PersonalDataFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refusal: str | None = None
    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*KEY, "value", "line"]))
    added: pd.DataFrame = field(default_factory=pd.DataFrame)
    changed: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Stored rows the import replaces without the same key: a total superseded by its detail, or the reverse.
    removed: pd.DataFrame = field(default_factory=pd.DataFrame)
    replaces_demo: bool = False
    declared_sources: list[str] = field(default_factory=list)
    version: int | None = None
    # Bytes invalid in the file's encoding, read another way: to check in the preview before confirming.
    misencoded: list[MisencodedCell] = field(default_factory=list)
    # The valid rows equal the current version's: confirming writes no version (« aucun changement »).
    unchanged: bool = False
    # Cells whose text would run as a formula or as HTML, neutralised: told to the analyst before confirming.
    neutralised: list[RowError] = field(default_factory=list)
    # A workbook's formulas in the table read, whose saved values are imported: named before confirming.
    formulas: list[FormulaCell] = field(default_factory=list)
    # Refused for what the workbook runs or fetches (macros, links to other files, fetching formulas).
    active_content: bool = False

    @property
    def rows_valid(self) -> int:
        return len(self.rows)

    @property
    def rows_rejected(self) -> int:
        return len({error.line for error in self.errors if error.line is not None})

    def acceptable(self, mode: Mode) -> bool:
        """Whether the file may be written in this mode (nothing is written when refused)."""
        if self.refusal or self.personal_data or self.rows_valid == 0:
            return False
        return mode == "valid_rows" or not self.errors

    def as_json(self, mode: Mode) -> dict[str, object]:
        return {
            "ok": self.acceptable(mode),
            "file_kind": self.file_kind,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows_read": self.rows_read,
            "rows_valid": self.rows_valid,
            "rows_rejected": self.rows_rejected,
            "errors": fields_of(self.errors, "line", "column", "value", "message"),
            "personal_data": fields_of(
                self.personal_data, "column", "kind", "line", "count", "message", example="masked_example"
            ),
            "refusal": self.refusal,
            "neutralised": fields_of(self.neutralised, "line", "column", "value", "message"),
            "formulas": fields_of(self.formulas, "sheet", "line", "column", "cell", "formula", "value", "message"),
            "notes": self.notes,
            "rows_added": len(self.added),
            "rows_changed": len(self.changed),
            "rows_removed": len(self.removed),
            "replaces_demo": self.replaces_demo,
            "misencoded": fields_of(self.misencoded, "line", "column", "value", "message"),
            "unchanged": self.unchanged,
            "message": self.unchanged_message if self.unchanged else None,
            "version": self.version,
        }

    @property
    def unchanged_message(self) -> str:
        return _(UNCHANGED_DEMO_MESSAGE) if self.replaces_demo else _(UNCHANGED_MESSAGE)


def merge_observations(current: pd.DataFrame | None, imported: pd.DataFrame) -> pd.DataFrame:
    """Upsert on the key: imported rows replace the same key, and any stored row they overlap (a
    stored total of the same indicator, commune and period when the file brings its detail, or the
    other way round: never both, or sums would count twice); other rows stay.

    `current` is None while the store only holds the shipped demo file: a real import then
    replaces the demo data entirely, so real and fictitious figures are never mixed.
    """
    imported = imported[OBSERVATION_COLUMNS]
    if current is None:
        return sort_by_key(imported)
    current = current[OBSERVATION_COLUMNS]
    kept = current.loc[~overlapped_by(current, imported)]
    return sort_by_key(pd.concat([kept, imported], ignore_index=True))


# What Markdown makes a link of by itself, in a stored name: « :/ » of an address, « www. ».
AUTOLINK_TRIGGERS = re.compile(r"(?<=:)/|(?i:(?<=www)\.)")


def safe_label(text: str, limit: int = 120) -> str:
    """A file name or declared source as stored and shown: letters, digits and plain punctuation only,
    so it can carry no markup, link or formula into a page, a chart or a spreadsheet. A file name is
    quoted in the source line under every chart of imported data: « www. » and « :// » are broken
    there too (« @ » is already gone), or the page's Markdown would link them."""
    cleaned = re.sub(r"[^\w .,;:'()/&°-]", "_", unicodedata.normalize("NFC", text)).strip()
    cleaned = AUTOLINK_TRIGGERS.sub("_", cleaned.lstrip("=+-@ "))
    return cleaned[:limit] or "fichier"


def refused(report: ImportReport, reason: str) -> ImportReport:
    report.refusal = reason
    return report


def analyse_upload(
    content: bytes,
    file_name: str,
    catalogue: pd.DataFrame,
    communes: pd.DataFrame,
    current: pd.DataFrame,
    current_is_demo: bool,
    sheet: str | None = None,
    default_indicator: str | None = None,
) -> ImportReport:
    """Everything the preview shows, computed without writing anything."""
    report = ImportReport(file_name=safe_label(file_name), sha256=hashlib.sha256(content).hexdigest())
    if binary := recognised_binary(content):
        return refused(report, binary)
    try:
        raw = read_upload(content, file_name, sheet)
    except UnreadableFileError as error:
        if isinstance(error, ActiveContentError):  # a workbook indeed, refused for what it runs or fetches
            report.active_content, report.file_kind = True, _(WORKBOOK)
        return refused(report, str(error))
    report.file_kind = file_kind(raw)
    report.encoding, report.rows_read = raw.encoding, len(raw.cells)
    report.misencoded, report.formulas = raw.misencoded, raw.formulas
    delimiter_name = DELIMITER_NAMES.get(raw.delimiter) if raw.delimiter else None
    report.delimiter = _(delimiter_name) if delimiter_name else None
    report.personal_data = find_personal_data(raw.cells, raw.lines)
    if report.personal_data:
        return refused(
            report,
            _("Le fichier contient des données personnelles : il est refusé en entier et rien n'en est conservé."),
        )
    prepared: PreparedUpload = prepare_observations(raw, catalogue, communes, default_indicator)
    report.errors, report.notes = prepared.errors, prepared.notes
    report.neutralised = prepared.neutralised
    report.declared_sources = [safe_label(source) for source in prepared.declared_sources]
    report.rows_read = prepared.rows_read
    report.rows = prepared.rows
    report.replaces_demo = current_is_demo
    if current_is_demo:
        # The demo rows themselves write nothing: stored as an import, fictitious figures would lose their label.
        # (Compared only at the demo's length: a million-row import is not merged twice for nothing.)
        report.unchanged = len(prepared.rows) == len(current) and same_rows(
            current, preview_observations(report, current, current_is_demo)
        )
        # Otherwise the demo data go away whole: everything imported is new, nothing is "changed".
        report.added, report.changed = (
            prepared.rows[[*KEY, "value"]],
            pd.DataFrame(columns=[*KEY, "value_old", "value_new"]),
        )
    else:
        diff = diff_observations(current, preview_observations(report, current, current_is_demo))
        report.added, report.changed, report.removed = diff.added, diff.changed, diff.removed
        report.unchanged = not prepared.rows.empty and diff.added.empty and diff.changed.empty and diff.removed.empty
    if report.unchanged:
        report.added = report.added.iloc[:0]
    return report


def commit_import(
    report: ImportReport, store: ObservationStore, mode: Mode, *, user: str | None, audit_folder: Path
) -> VersionInfo | None:
    """Write the import as a new version, merged on whatever version is latest at commit time, and
    record it in the audit log; None, nothing written and nothing logged, when that would leave the
    latest version's rows as they are. The page and the command line both write through here."""
    if refusal_reason(report, mode) is not None:
        raise ValueError("import refusé : rien n'a été écrit")

    def build(latest: pd.DataFrame | None, latest_version: int) -> pd.DataFrame:
        source_id = f"{IMPORT_SOURCE_PREFIX}{latest_version + 1:06d}"
        base = None if latest is None or is_demo(latest) else latest
        return merge_observations(base, report.rows.assign(source_id=source_id))

    note = "Sources déclarées : " + " ; ".join(report.declared_sources) if report.declared_sources else None
    # Against the demo baseline every row would count as "changed" or "removed": an import that
    # replaces the demo is counted as what it is, rows added (the history says the demo went away).
    # Before any version, the latest table is the demo file: the analysis compared the file with it.
    info = commit_if_changed(
        store,
        build,
        unchanged_at_zero=report.unchanged and report.replaces_demo,
        action="import",
        file_name=report.file_name,
        sha256=report.sha256,
        user=user,
        note=note,
        baseline=None,
    )
    report.unchanged = info is None
    report.version = info.version if info else None
    if info is not None:
        record(
            audit_folder,
            "import",
            user,
            file_name=report.file_name,
            sha256=report.sha256,
            version=info.version,
            rows_added=len(report.added),
            rows_changed=len(report.changed),
            rows_removed=len(report.removed),
        )
    return info


def preview_observations(report: ImportReport, current: pd.DataFrame, current_is_demo: bool) -> pd.DataFrame:
    """The observation table as it will be after the import (for the preview's charts)."""
    return merge_observations(None if current_is_demo else current, report.rows.assign(source_id="IMPORT"))


@dataclass(frozen=True)
class PreviewChart:
    """One indicator of the file as the département's chart will draw it after the import: by the
    coarsest grouping present (so every row shows; months read as quarters), with each period's
    change against the year before, like for like. The figures are not published yet and only an
    analyst sees them: no secret applies."""

    indicator_id: str
    frequency: Frequency
    series: pd.DataFrame
    changes: dict[pd.Timestamp, ProtectedChange]
    covered: dict[pd.Timestamp, Coverage]


def preview_charts(
    report: ImportReport, current: pd.DataFrame, current_is_demo: bool, communes_expected: int
) -> list[PreviewChart]:
    """The file's indicators as they will be drawn after the import. A change is stated only on
    the communes and months both periods cover: a file of 36 communes for a quarter against 4 a year
    before reads « à champ constant : 4 communes », never « +2 510 % »."""
    after = preview_observations(report, current, current_is_demo)
    charts = []
    for indicator_id in report.rows["indicator_id"].unique():
        rows = select_observations(after, indicator_id)
        frequency = frequency_choices(rows)[1]
        assert frequency is not None  # the file brings rows of this indicator: they have a granularity
        frequency = "quarter" if frequency == "month" else frequency
        series = aggregate_series(rows, frequency)
        starts = sorted(pd.DatetimeIndex(series["period_start"].unique()))
        changes = period_changes(rows, starts, frequency, communes_expected, None)
        covered = period_coverage(rows, starts, frequency, communes_expected)
        charts.append(PreviewChart(str(indicator_id), frequency, series, changes, covered))
    return charts


# Why a file was refused, as the audit log names it.
PERSONAL_DATA = "données personnelles"
UNREADABLE = "fichier illisible"  # binary, damaged, malformed, empty or over-size
ACTIVE_CONTENT = "macros, liaisons ou formules externes"  # a workbook that runs or fetches (ingest/active_content.py)
NO_VALID_ROW = "aucune ligne valide"
INVALID_ROWS = "lignes invalides"


def refusal_reason(report: ImportReport, mode: Mode) -> str | None:
    """Why the file is refused in this mode; None when it may be written."""
    if report.personal_data:
        return PERSONAL_DATA
    if report.active_content:
        return ACTIVE_CONTENT
    if report.refusal:
        return UNREADABLE
    if report.rows_valid == 0:
        return NO_VALID_ROW
    if not report.acceptable(mode):
        return INVALID_ROWS
    return None


def refuse_import(report: ImportReport, mode: Mode, *, user: str | None, audit_folder: Path) -> str:
    """Record that the file is refused in this mode (why, its hash and its counts) and return why.

    Never its content, and not its name either: a refused file's name may be the very personal data
    it was refused for. Raises ValueError for a file this mode would accept (nothing is logged)."""
    reason = refusal_reason(report, mode)
    if reason is None:
        raise ValueError("le fichier n'est pas refusé dans ce mode")
    record(
        audit_folder,
        f"import refusé ({reason})",
        user,
        sha256=report.sha256,
        rows_read=report.rows_read,
        rows_rejected=report.rows_rejected,
    )
    return reason
