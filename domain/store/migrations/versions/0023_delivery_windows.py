"""Outbox: an index on `sent_at`, for rebuilding the rate windows when a sender starts.

A delivery worker that starts — a restart, or a replica taking over the delivery lease from one
that died (issue 19) — fills its rate-limit windows from the rows sent within each platform's
longest window (WeCom's is an hour) before it sends anything (bot/delivery/recall.py), so it
does not exceed a platform's limit together with what the previous sender has just sent. With
this index that read is a short range, however long the outbox has grown.

Revision ID: 0023
Revises: 0022
"""
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
