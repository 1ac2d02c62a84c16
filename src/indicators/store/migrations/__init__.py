"""Alembic migrations of the PostgreSQL store (run by indicators.store.postgres.upgrade_database)."""
