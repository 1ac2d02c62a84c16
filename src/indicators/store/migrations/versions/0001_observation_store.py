"""Observation versions, their rows, and the audit log; all three append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ["indicator_id", "territory_code", "period", "sex", "age_group"]
APPEND_ONLY_TABLES = ["observation_versions", "observations", "audit_log"]


def upgrade() -> None:
    op.create_table(
        "observation_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text),
        sa.Column("sha256", sa.Text),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("rows_added", sa.Integer, nullable=False),
        sa.Column("rows_changed", sa.Integer, nullable=False),
        sa.Column("rows_removed", sa.Integer, nullable=False),
        sa.Column("parent", sa.Integer, nullable=False),
        sa.Column("restored_from", sa.Integer),
        sa.Column("user_name", sa.Text),
        sa.Column("note", sa.Text),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("parent = version - 1", name="parent_is_previous_version"),
        sa.CheckConstraint("action IN ('import', 'rollback')", name="known_action"),
        sa.CheckConstraint("restored_from >= 0 AND restored_from < version", name="restored_from_earlier_version"),
    )
    op.create_table(
        "observations",
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in KEY),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("version", *KEY, name="observations_pkey"),
        sa.ForeignKeyConstraint(
            ["version"],
            ["observation_versions.version"],
            name="observations_version_fkey",
            deferrable=True,
            initially="DEFERRED",
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("details", postgresql.JSONB, nullable=False),
    )
    # Published versions and audit entries are never changed nor removed, whoever connects.
    op.execute(
        """
        CREATE FUNCTION refuse_change_of_appended_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'La table % n''accepte que des ajouts (% refusé)', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_appended_rows()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_appended_rows()"
        )


def downgrade() -> None:
    for table in reversed(APPEND_ONLY_TABLES):
        op.drop_table(table)
    op.execute("DROP FUNCTION refuse_change_of_appended_rows()")
