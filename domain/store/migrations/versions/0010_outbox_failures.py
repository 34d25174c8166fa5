"""Outbox: why a row failed, so outage failures can be retried.

Reserved revision: empty until its issue's work fills it in.

Revision ID: 0010
Revises: 0009
"""

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
