"""Tickets lifecycle (issue 6): the SLA clock, escalation state, the scheduler's next-due
index, confirmation and satisfaction surveys.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = [
    ("sla_banked_seconds", sa.Integer(), "0"),
    ("sla_since", sa.DateTime(timezone=True), None),
    ("accept_from_seconds", sa.Integer(), "0"),
    ("paused_reason", sa.String(length=20), None),
    ("escalation_level", sa.Integer(), "1"),
    ("escalation_repeats", sa.Integer(), "0"),
    ("warned_accept", sa.Boolean(), sa.false()),
    ("warned_resolve", sa.Boolean(), sa.false()),
    ("next_due_at", sa.DateTime(timezone=True), None),
    ("reopen_count", sa.Integer(), "0"),
    ("closed_reason", sa.String(length=20), None),
]


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, kind, default in _COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=default is None,
                                          server_default=default))
        batch_op.add_column(sa.Column("confirmer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_tickets_confirmer_id_persons"), "persons",
                                    ["confirmer_id"], ["id"])
    # Tickets already open start their clock now-ish (from when they were reported) and are
    # looked at by the first scan, which works out their real next step.
    op.execute("UPDATE tickets SET sla_since = created_at, next_due_at = created_at "
               "WHERE status IN ('open', 'in_progress')")
    op.create_index("ix_tickets_next_due", "tickets", ["next_due_at"], unique=False,
                    postgresql_where=sa.text("next_due_at IS NOT NULL"),
                    sqlite_where=sa.text("next_due_at IS NOT NULL"))
    op.create_table(
        "ticket_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["persons.id"],
                                name=op.f("fk_ticket_surveys_assignee_id_persons")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_ticket_surveys_project_id_projects")),
        sa.ForeignKeyConstraint(["respondent_id"], ["persons.id"],
                                name=op.f("fk_ticket_surveys_respondent_id_persons")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_surveys_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_surveys")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_ticket_surveys_ticket_id")),
    )
    op.create_index(op.f("ix_ticket_surveys_project_id"), "ticket_surveys", ["project_id"])
    op.create_index(op.f("ix_ticket_surveys_assignee_id"), "ticket_surveys", ["assignee_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ticket_surveys_assignee_id"), table_name="ticket_surveys")
    op.drop_index(op.f("ix_ticket_surveys_project_id"), table_name="ticket_surveys")
    op.drop_table("ticket_surveys")
    op.drop_index("ix_tickets_next_due", table_name="tickets")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tickets_confirmer_id_persons"), type_="foreignkey")
        batch_op.drop_column("confirmer_id")
        for name, _, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)
