"""Change requests (issue 8): where a change was raised, what an approved change did, and when
each approval step became current (reminders and escalations count from then).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_platform", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("source_chat_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("effect", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_change_requests_applied_at"), ["applied_at"], unique=False)
    with op.batch_alter_table("approval_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_platform", sa.String(length=20), nullable=True))
        batch_op.create_index("ix_approval_steps_status_activated", ["status", "activated_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("approval_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_approval_steps_status_activated")
        batch_op.drop_column("decided_platform")
        batch_op.drop_column("activated_at")
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_requests_applied_at"))
        batch_op.drop_column("applied_at")
        batch_op.drop_column("effect")
        batch_op.drop_column("source_chat_id")
        batch_op.drop_column("source_platform")
