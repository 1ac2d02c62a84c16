"""One Alembic revision per file, applied in order by `alembic upgrade head`."""
