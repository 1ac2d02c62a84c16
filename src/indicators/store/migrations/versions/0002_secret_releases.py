"""Releases of the statistical secret: each protected lattice as it was first shown; append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "secret_releases",
        sa.Column("release", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("k", sa.Integer, nullable=False),
        sa.Column("rules", sa.Integer, nullable=False),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        # The protected lattice as Parquet: what every later release is solved against.
        sa.Column("cells", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("release >= 1", name="release_positive"),
        sa.ForeignKeyConstraint(["version"], ["observation_versions.version"], name="secret_releases_version_fkey"),
        sa.UniqueConstraint("version", "k", "rules", "digest", name="one_release_per_lattice"),
    )
    # What was shown stays recorded, whoever connects (the function comes from revision 0001).
    op.execute(
        "CREATE TRIGGER secret_releases_append_only BEFORE UPDATE OR DELETE ON secret_releases "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_appended_rows()"
    )
    op.execute(
        "CREATE TRIGGER secret_releases_no_truncate BEFORE TRUNCATE ON secret_releases "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_appended_rows()"
    )


def downgrade() -> None:
    op.drop_table("secret_releases")
