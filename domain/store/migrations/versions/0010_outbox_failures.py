"""Outbox: why a row failed, so outage failures can be retried.

`failure` says why a `failed` row failed ("outage": the platform was down, so the row is sent
again once it answers, while young enough; "permanent": the platform said no); `failed_at` says
when. Rows that failed earlier keep no reason (they are retried only by hand).

`ix_outbox_status_id`: the delivery worker claims the oldest due rows several times a second;
with this index that is a short walk in id order, not a sort of every due row.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("failure", sa.String(length=10), nullable=True))
    op.add_column("outbox", sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_outbox_status_id", "outbox", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("failed_at")
        batch.drop_column("failure")
