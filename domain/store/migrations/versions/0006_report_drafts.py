"""Report drafts: a one-to-one report waiting for its sender to pick the project.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=True),
        sa.Column("chat_id", sa.String(length=128), nullable=True),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name=op.f("fk_report_drafts_person_id_persons")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_report_drafts_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_drafts")),
    )


def downgrade() -> None:
    op.drop_table("report_drafts")
