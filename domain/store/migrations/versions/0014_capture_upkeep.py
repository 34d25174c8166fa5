"""Capture upkeep: an index for report drafts by person and chat.

Every photo or plain sentence that capture looks at asks for "this person's draft in this
chat" (TicketsRepo.pending_draft); without the index that read scans every draft ever kept.

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_report_drafts_person_chat", "report_drafts", ["person_id", "platform", "chat_id"])


def downgrade() -> None:
    op.drop_index("ix_report_drafts_person_chat", table_name="report_drafts")
