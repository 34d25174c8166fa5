"""server_secrets: secrets every process on one database must share, made once by whichever
process needs one first (the link secret when SITEBOT_LINK_SECRET is not set: a link made by
the worker must verify on the web process). And two covering indexes for the reports' trend,
which adds up a year of tickets per period in the database: the resolved tickets with the
moments that say whether each met its SLA, and the CSAT answers with their score — read from
the index alone instead of a table row each (bench/reports.py; docs/reports.md).

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_tickets_resolved_sla", "tickets", ["resolved_at", "accepted_at", "accept_due_at", "resolve_due_at"]),
    ("ix_ticket_surveys_answered_score", "ticket_surveys", ["answered_at", "score"]),
]


def upgrade() -> None:
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("server_secrets")
