"""Alembic environment of the PostgreSQL store.

Runs on the connection that `indicators.store.postgres` hands over, or, from the `alembic` command
line (alembic.ini at the repository root), on $DATABASE_URL. Migrations wait on an advisory lock,
so replicas starting together migrate one after the other, the later ones finding nothing to do.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from indicators.config import database_url
from indicators.store.postgres import (
    MIGRATION_LOCK_KEY,
    metadata,
    normalised_url,
)

# The alembic command line's logging (alembic.ini); the app's own calls leave logging alone.
if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)


def run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()


def configured_url() -> str:
    url = database_url()
    if url is None:
        raise SystemExit("DATABASE_URL n'est pas défini : la base PostgreSQL à migrer est inconnue.")
    return url


if context.is_offline_mode():  # `alembic upgrade head --sql`: the SQL script, for a DBA
    context.configure(url=normalised_url(configured_url()), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif context.config.attributes.get("connection") is not None:
    run_migrations(context.config.attributes["connection"])
else:
    engine = create_engine(normalised_url(configured_url()), poolclass=NullPool)
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()
