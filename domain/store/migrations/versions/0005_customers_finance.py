"""Customers and payments (issue 9): payment idempotency refs, when a payment milestone was
settled (for the credit rating), contact e-mail, when an opportunity was closed.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        # The chat event or button press that recorded it: a repeated press records nothing.
        batch_op.add_column(sa.Column("ref", sa.String(length=160), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_payments_ref"), ["ref"])
    with op.batch_alter_table("payment_milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settled_on", sa.Date(), nullable=True))
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("payment_milestones", schema=None) as batch_op:
        batch_op.drop_column("settled_on")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payments_ref"), type_="unique")
        batch_op.drop_column("ref")
