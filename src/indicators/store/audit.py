"""Append-only audit log of imports, refusals, rollbacks, sign-ins and exports: who, when, what, which file (hash).

One JSON object per line in <data dir>/audit/audit.log, opened in append mode and flushed to disk;
nothing in the project rewrites or truncates it. No file content or personal value is logged.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.config import database_url

AUDIT_FILE = Path("audit") / "audit.log"
SIGN_IN = "connexion"


def record(folder: Path, action: str, who: str | None, at: datetime | None = None, **details: object) -> None:
    """Append one entry: to PostgreSQL when DATABASE_URL is set (shared by every server), else to the file.

    `at` (default: now) lets a caller that decided on a moment record that very moment.
    """
    url = database_url()
    if url:
        from indicators.store.postgres import record_audit

        record_audit(url, action, who or "inconnu", at=at, **details)
        return
    entry = {
        "time": (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
        "action": action,
        "who": who or "inconnu",
        **details,
    }
    path = folder / AUDIT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_entries(folder: Path) -> list[dict[str, Any]]:
    url = database_url()
    if url:
        from indicators.store.postgres import read_audit

        return read_audit(url)
    path = folder / AUDIT_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def record_unsuppressed_export(
    folder: Path, payload: bytes, user: str | None, rows: int, indicator: str | None, territory: str | None
) -> None:
    """An export of raw counts (small ones included) leaves the statistical secret's protection:
    who took it, what it held and the SHA-256 of exactly what was written."""
    record(
        folder,
        "export sans secret statistique",
        user,
        sha256=hashlib.sha256(payload).hexdigest(),
        rows=rows,
        indicator=indicator or "tous",
        territory=territory or "tous",
    )


def record_sign_in(
    folder: Path, who: str | None, result: str, client_address: str, method: str, at: datetime | None = None
) -> None:
    """An analyst's sign-in attempt, whatever its outcome (refused by the throttle included): who (the
    account, or « inconnu » for a wrong password), from which client address, by which method. Never
    the password."""
    record(folder, SIGN_IN, who, at=at, result=result, client_address=client_address, method=method)


def sign_ins_from(folder: Path, client_address: str, since: datetime) -> list[dict[str, Any]]:
    """The sign-in attempts from one client address since a moment, oldest first: what every
    replica reads to throttle that address (the audit log is the one record they share)."""
    url = database_url()
    if url:
        from indicators.store.postgres import read_sign_ins

        return read_sign_ins(url, client_address, since)
    path = folder / AUDIT_FILE
    if not path.exists():
        return []
    quoted = json.dumps(client_address, ensure_ascii=False)
    entries = (
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        # Most lines are imports and exports: only sign-in lines naming this address are parsed.
        if quoted in line and f'"{SIGN_IN}"' in line
    )
    return [
        entry
        for entry in entries
        if entry.get("action") == SIGN_IN
        and entry.get("client_address") == client_address
        and datetime.fromisoformat(entry["time"]) >= since
    ]
