"""Alembic migrations of the PostgreSQL store (run by indicators.store_postgres.upgrade_database)."""
