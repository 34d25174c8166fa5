"""Chat UX (issue 16): what was done about a ticket — the resolver's note and photo count per
resolution, and the ask for it while it is open; questions asked before a big effect (绑定 of a
chat bound to another project), answered once.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("resolver_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("photos", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_resolutions_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["resolver_id"], ["persons.id"], name=op.f("fk_ticket_resolutions_resolver_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_resolutions")),
    )
    op.create_index("ix_ticket_resolutions_ticket_id", "ticket_resolutions", ["ticket_id"])
    op.create_index("ix_ticket_resolutions_resolver_state", "ticket_resolutions", ["resolver_id", "state"])
    op.create_table(
        "chat_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled", sa.String(length=10), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_chat_confirmations_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_confirmations")),
    )
    op.create_index("ix_chat_confirmations_asked", "chat_confirmations", ["person_id", "platform", "chat_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_confirmations_asked", table_name="chat_confirmations")
    op.drop_table("chat_confirmations")
    op.drop_index("ix_ticket_resolutions_resolver_state", table_name="ticket_resolutions")
    op.drop_index("ix_ticket_resolutions_ticket_id", table_name="ticket_resolutions")
    op.drop_table("ticket_resolutions")
