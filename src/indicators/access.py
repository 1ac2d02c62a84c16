"""Who may import and roll back: analysts, signed in by OpenID Connect or by a shared password.

Pure decisions only (the Streamlit gate is views/access.py): which sign-in mode applies, whether
an account is an analyst's, whether a password matches its argon2 hash, and how long one client
address must wait after its failed attempts (`sign_in.py` reads them from the audit log).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

Mode = Literal["oidc", "password", "localhost", "disabled"]
FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 300.0
# Failures older than this are forgotten: a mistyped password yesterday costs nothing today.
THROTTLE_MEMORY_SECONDS = 3600.0
# A sign-in attempt's outcome, as the audit log records it (French, like the rest of the log).
SUCCEEDED = "réussie"
FAILED = "échec"
THROTTLED = "refusée (trop d'essais)"


@dataclass(frozen=True)
class AccessSettings:
    """What `.streamlit/secrets.toml` says about sign-in (never the secrets themselves in logs)."""

    oidc_configured: bool = False
    analyst_emails: frozenset[str] = frozenset()
    analyst_groups: frozenset[str] = frozenset()
    password_hash: str | None = None

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, Any]) -> AccessSettings:
        analysts = secrets.get("analysts", {})
        return cls(
            oidc_configured="auth" in secrets,
            analyst_emails=frozenset(email.lower() for email in analysts.get("emails", [])),
            analyst_groups=frozenset(analysts.get("groups", [])),
            password_hash=analysts.get("password_hash"),
        )


def is_loopback(address: str) -> bool:
    """True when the server only listens on this machine (nobody else can reach it directly)."""
    if address in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # empty or a name: Streamlit then listens on every interface


def sign_in_mode(settings: AccessSettings, server_address: str, local_client: bool) -> Mode:
    """How analysts get in. Without a configured sign-in, the pages open only to a local client
    (connections.judge: from this machine, to one of its names, through no proxy) of a server that
    listens on this machine alone; the listening address by itself proves nothing behind a proxy."""
    if settings.oidc_configured:
        return "oidc"
    if settings.password_hash:
        return "password"
    return "localhost" if is_loopback(server_address) and local_client else "disabled"


def is_analyst(settings: AccessSettings, email: str | None, groups: list[str] | None) -> bool:
    """An OpenID account is an analyst's when its e-mail or one of its groups is listed."""
    if email and email.lower() in settings.analyst_emails:
        return True
    return bool(settings.analyst_groups.intersection(groups or []))


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def hash_password(password: str) -> str:
    """For the administrator who writes secrets.toml: `python -m indicators hash-password`."""
    return PasswordHasher().hash(password)


@dataclass(frozen=True)
class SignInAttempt:
    """One recorded password attempt from a client address: when (seconds since the epoch), and its outcome."""

    time: float
    result: str

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> SignInAttempt:
        """From an audit log entry (`time` in ISO 8601, `result` one of the outcomes above).

        The log keeps whole seconds: an attempt counts from the end of its second, so that a wait
        is never shorter than the rule says (up to a second longer).
        """
        moment = datetime.fromisoformat(str(entry["time"])).timestamp()
        return cls(time=moment + (1.0 if moment.is_integer() else 0.0), result=str(entry.get("result")))


def wait_seconds(attempts: Iterable[SignInAttempt], now: float) -> float:
    """How long a client address must wait before its next attempt is even checked.

    Its failures since its last success count (attempts refused by the throttle itself do not):
    the first three are free, then 2, 4, 8… seconds after the latest one, up to 5 minutes. Only
    this address's attempts are given: another client is never slowed by them.
    """
    failures, last_failure = 0, 0.0
    for attempt in sorted(attempts, key=lambda attempt: attempt.time):
        if attempt.result == SUCCEEDED:
            failures = 0
        elif attempt.result == FAILED:
            failures, last_failure = failures + 1, attempt.time
    if failures < FREE_ATTEMPTS:
        return 0.0
    delay = min(2.0 ** (failures - FREE_ATTEMPTS + 1), MAX_WAIT_SECONDS)
    return max(0.0, last_failure + delay - now)
