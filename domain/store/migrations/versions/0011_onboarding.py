"""Onboarding: what a contractor sets up from chat (issue 14).

- projects: when it was closed (a closed project gets no digests, reminders or escalations and
  keeps its history), the amount and the owner a won opportunity brought with it;
- payment_milestones: the share of the contract value when the schedule was given as a
  percentage (the amount follows the contract value while nothing is paid).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_projects_owner_id_persons"), "persons",
                                    ["owner_id"], ["id"])
    with op.batch_alter_table("payment_milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payment_milestones", schema=None) as batch_op:
        batch_op.drop_column("percent")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_projects_owner_id_persons"), type_="foreignkey")
        batch_op.drop_column("owner_id")
        batch_op.drop_column("amount")
        batch_op.drop_column("closed_at")
