"""Site records (issue 17): the message a 登记 proposal's sentence came from (so recalling it
withdraws the ticket filed from it, as for 报修), and an inspection's checked items (each
passed or failed, failed ones with their ticket) and when it was closed.

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_drafts") as batch:
        batch.add_column(sa.Column("source_message_id", sa.String(length=191), nullable=True))
        batch.create_index("ix_report_drafts_source_message", ["platform", "source_message_id"])
    with op.batch_alter_table("site_inspections") as batch:
        batch.add_column(sa.Column("items", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site_inspections") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("items")
    with op.batch_alter_table("report_drafts") as batch:
        batch.drop_index("ix_report_drafts_source_message")
        batch.drop_column("source_message_id")
