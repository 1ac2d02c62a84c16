"""Who may import and roll back: analysts, signed in by OpenID Connect or by a shared password.

Pure decisions only (the Streamlit gate is views/access.py): which sign-in mode applies, whether
an account is an analyst's, whether a password matches its argon2 hash, and how long to wait
after failed attempts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

Mode = Literal["oidc", "password", "localhost", "disabled"]
FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 300.0


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
    """True when the server only listens on this machine (nobody else can reach the pages)."""
    if address in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # empty or a name: Streamlit then listens on every interface


def sign_in_mode(settings: AccessSettings, server_address: str) -> Mode:
    if settings.oidc_configured:
        return "oidc"
    if settings.password_hash:
        return "password"
    return "localhost" if is_loopback(server_address) else "disabled"


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


@dataclass
class Throttle:
    """Failed attempts slow the next ones: free at first, then 2, 4, 8… seconds, up to 5 minutes."""

    failures: int = 0
    last_failure: float = 0.0

    def wait_seconds(self, now: float) -> float:
        if self.failures < FREE_ATTEMPTS:
            return 0.0
        delay = min(2.0 ** (self.failures - FREE_ATTEMPTS + 1), MAX_WAIT_SECONDS)
        return max(0.0, self.last_failure + delay - now)

    def record_failure(self, now: float) -> None:
        self.failures += 1
        self.last_failure = now

    def record_success(self) -> None:
        self.failures = 0
