"""Configuration read from the environment, in one place."""

from __future__ import annotations

import os
from pathlib import Path

from indicators.i18n import N_, _

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
LOCALE = "fr_FR"

# Field observations built from this file are fictitious; everything drawn from them says so.
DEMO_FIELD_FILE = "field_observations_demo.csv"
# The French label; `demo_label()` gives it in the viewer's language.
DEMO_LABEL_FR = N_("Données fictives de démonstration")
DEMO_SOURCE_ID = "DEMO_FICTIVE"
DATABASE_URL_VARIABLE = "DATABASE_URL"
ALLOWED_HOSTS_VARIABLE = "INDICATORS_ALLOWED_HOSTS"
# The very variable uvicorn (Streamlit's server) reads to believe X-Forwarded-For: one setting, so
# that the server and the app never disagree on who the client is.
TRUSTED_PROXIES_VARIABLE = "FORWARDED_ALLOW_IPS"
# This machine's own names: always allowed, and the only ones a sign-in-free local analyst may use.
LOOPBACK_HOSTS: frozenset[str] = frozenset({"localhost", "127.0.0.1", "::1"})
# uvicorn's default when FORWARDED_ALLOW_IPS is unset: a proxy on this machine.
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")
# The territory served (`indicators.scope`): a département's code; the Hauts-de-Seine when unset.
TERRITORY_VARIABLE = "INDICATORS_TERRITORY"
DEFAULT_TERRITORY = "92"
CHROMIUM_PATH_VARIABLE = "CHROMIUM_PATH"
# Debian's package, which the Dockerfile and scripts/serve.sh install.
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"


def demo_label() -> str:
    """ "Données fictives de démonstration" in the current language."""
    return _(DEMO_LABEL_FR)


def data_dir() -> Path:
    """Folder of the data tables: $INDICATORS_DATA_DIR, or the repository's data/."""
    configured = os.environ.get("INDICATORS_DATA_DIR", "").strip()
    return Path(configured) if configured else DEFAULT_DATA_DIR


def default_territory() -> str:
    """The territory served when $INDICATORS_TERRITORY is unset (`indicators.scope`)."""
    return DEFAULT_TERRITORY


def small_count_threshold() -> int:
    """k of the statistical secret: counts from 1 to k − 1 are never shown to viewers (default 5)."""
    configured = os.environ.get("INDICATORS_SMALL_COUNT_K", "").strip()
    return int(configured) if configured.isdigit() and int(configured) >= 2 else 5


def database_url() -> str | None:
    """$DATABASE_URL when set and not blank: the shared PostgreSQL database of all replicas.

    Read here, not in store.postgres: a server without PostgreSQL never imports SQLAlchemy,
    Alembic and psycopg (memory, start-up time, and objects every garbage collection walks).
    """
    configured = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    return configured or None


def allowed_hosts() -> frozenset[str]:
    """The host names this server answers to: $INDICATORS_ALLOWED_HOSTS (comma-separated, ports aside),
    plus this machine's own names.

    Any other Host header is refused, on every request and on the WebSocket: a DNS-rebinding page
    reaches the server under its own name (`rebind.evil.example`), never under one of these.
    Behind a proxy, list the public name(s) viewers type (`tableau-de-bord.departement.fr`).
    """
    configured = os.environ.get(ALLOWED_HOSTS_VARIABLE, "")
    names = {name.strip().lower().rstrip(".").strip("[]") for name in configured.split(",")}
    return frozenset(name for name in names if name) | LOOPBACK_HOSTS


def trusted_proxies() -> tuple[str, ...]:
    """Addresses or networks (CIDR) of the proxies whose X-Forwarded-For and X-Real-IP are believed:
    $FORWARDED_ALLOW_IPS, comma-separated, as uvicorn reads it (same default: this machine).

    A forwarded address from anyone else is ignored: the client is then the address that connected.
    `*` trusts every peer, which only a server unreachable except through its proxy may use.
    """
    configured = os.environ.get(TRUSTED_PROXIES_VARIABLE)
    if configured is None:
        return DEFAULT_TRUSTED_PROXIES
    return tuple(entry.strip() for entry in configured.split(",") if entry.strip())


def chromium_path() -> str:
    """The headless Chromium that prints the deck and the sheets and draws chart images (`indicators.chromium`),
    and that the browser tests and the load test drive: $CHROMIUM_PATH, or Debian's /usr/bin/chromium."""
    configured = os.environ.get(CHROMIUM_PATH_VARIABLE, "").strip()
    return configured or DEFAULT_CHROMIUM_PATH
