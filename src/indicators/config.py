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


def demo_label() -> str:
    """ "Données fictives de démonstration" in the current language."""
    return _(DEMO_LABEL_FR)


def data_dir() -> Path:
    """Folder of the data tables: $INDICATORS_DATA_DIR, or the repository's data/."""
    configured = os.environ.get("INDICATORS_DATA_DIR", "").strip()
    return Path(configured) if configured else DEFAULT_DATA_DIR


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
