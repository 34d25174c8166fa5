"""Capture upkeep: an index for report drafts by person and chat.

Reserved revision: empty until its issue's work fills it in.

Revision ID: 0014
Revises: 0013
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
