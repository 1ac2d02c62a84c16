"""Every import's outcome in the audit log, refusals included, from the page and the command line alike.

analyse_upload() never writes (the page runs it on every rerun); what happened to a file is
recorded once it is decided, by record_outcome, which both the page and `python -m indicators
ingest` call. A refusal logs why, the file's hash and its counts; never its content, and not its
name either: a refused file's name may be the very personal data it was refused for.
"""

from __future__ import annotations

from pathlib import Path

from indicators import audit
from indicators.ingest import ImportReport, Mode

# Why a file was refused, as the audit log names it.
PERSONAL_DATA = "données personnelles"
UNREADABLE = "fichier illisible"  # binary, damaged, malformed, empty or over-size
NO_VALID_ROW = "aucune ligne valide"
INVALID_ROWS = "lignes invalides"


def refusal_reason(report: ImportReport, mode: Mode) -> str | None:
    """Why the file is refused in this mode; None when it may be written."""
    if report.personal_data:
        return PERSONAL_DATA
    if report.refusal:
        return UNREADABLE
    if report.rows_valid == 0:
        return NO_VALID_ROW
    if not report.acceptable(mode):
        return INVALID_ROWS
    return None


def record_outcome(folder: Path, report: ImportReport, mode: Mode, user: str | None) -> str | None:
    """Log a refusal, or a written import (report.version set); a file accepted but not written
    (a dry run, a preview not yet confirmed) logs nothing. Returns the action logged, if any."""
    reason = refusal_reason(report, mode)
    if reason is not None:
        action = f"import refusé ({reason})"
        audit.record(folder, action, user, sha256=report.sha256, rows_read=report.rows_read,
                     rows_rejected=report.rows_rejected)
        return action
    if report.version is None:
        return None
    audit.record(folder, "import", user, file_name=report.file_name, sha256=report.sha256, version=report.version,
                 rows_added=len(report.added), rows_changed=len(report.changed), rows_removed=len(report.removed))
    return "import"
