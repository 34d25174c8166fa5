"""DingTalk: signatures bound to the first message that carried them (shared by every process).

On PostgreSQL the inbox writer binds them in the main database, in the transaction that stores
the message; on SQLite the binding lives in the inbox's own file (domain/store/inbox.py), and
this table only keeps the schema the same.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signature_bindings",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=191), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "signature", name=op.f("pk_signature_bindings")),
    )
    op.create_index("ix_signature_bindings_valid_until", "signature_bindings", ["valid_until"])


def downgrade() -> None:
    op.drop_index("ix_signature_bindings_valid_until", table_name="signature_bindings")
    op.drop_table("signature_bindings")
