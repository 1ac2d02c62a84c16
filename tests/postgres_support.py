"""PostgreSQL for the tests: a throwaway cluster (deploy/local_cluster.py starts it from Debian's
server binaries, loopback only, and deletes it afterwards), and databases created on it.

A cluster that cannot be started raises: the tests that need it fail, never skip.
"""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import make_url

from deploy.local_cluster import throwaway_postgres as throwaway_cluster

__all__ = ["create_database", "drop_database", "libpq_url", "throwaway_cluster"]


def libpq_url(url: str, database: str | None = None) -> str:
    """A URL psycopg accepts (no SQLAlchemy driver suffix), on `database` if given."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def create_database(server_url: str, name: str, template: str = "template1") -> str:
    """A new database on the server of `server_url`, copied from `template`; returns its URL."""
    with psycopg.connect(libpq_url(server_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return libpq_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(libpq_url(server_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
