"""One analyst password attempt: throttled per client address, through the audit log, every replica alike.

The throttle's memory is the audit log itself (PostgreSQL when DATABASE_URL is set, else
data/audit/audit.log): every attempt is written there with its client address, so every replica
sees the same failures, a restart forgets nothing, and the log shows who tried what from where.
One address's failures slow that address only: 20 wrong passwords from outside never keep the
analyst, at another address, out. The password itself is never written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from indicators.access import (
    FAILED,
    SUCCEEDED,
    THROTTLE_MEMORY_SECONDS,
    THROTTLED,
    SignInAttempt,
    password_matches,
    wait_seconds,
)
from indicators.store.audit import record_sign_in, sign_ins_from

PASSWORD_METHOD = "mot de passe"
# Who the audit log names: the password is shared, so a success names the role, a failure nobody.
SIGNED_IN_AS = "analyste (mot de passe)"


@dataclass(frozen=True)
class Outcome:
    """What became of an attempt: its result (as audited) and, when throttled, the seconds left to wait."""

    result: str
    wait: float = 0.0

    @property
    def signed_in(self) -> bool:
        return self.result == SUCCEEDED


def attempts_from(folder: Path, client_address: str, now: float) -> list[SignInAttempt]:
    since = datetime.fromtimestamp(now - THROTTLE_MEMORY_SECONDS, UTC)
    return [
        SignInAttempt.from_entry(entry)
        for entry in sign_ins_from(folder, client_address, since)
        if entry.get("method") == PASSWORD_METHOD
    ]


def try_password(folder: Path, password_hash: str, password: str, client_address: str, now: float) -> Outcome:
    """Check one password from one client address, unless that address must still wait; audit it either way.

    While throttled, the password is not even checked: a guess sent then tells nothing. The caller
    serialises attempts within one server; across replicas, two attempts at the same instant from
    one address may both be checked (at most one extra guess per replica).
    """
    wait = wait_seconds(attempts_from(folder, client_address, now), now)
    if wait > 0:
        outcome = Outcome(THROTTLED, wait)
    elif password_matches(password_hash, password):
        outcome = Outcome(SUCCEEDED)
    else:
        outcome = Outcome(FAILED)
    who = SIGNED_IN_AS if outcome.signed_in else None
    moment = datetime.fromtimestamp(now, UTC)  # the very moment the decision was made on
    record_sign_in(folder, who, outcome.result, client_address=client_address, method=PASSWORD_METHOD, at=moment)
    return outcome
