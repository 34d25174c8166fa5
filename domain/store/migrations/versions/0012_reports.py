"""Reports (issue 15): NPS answers, watched states for early warnings, and the indexes the
report queries range over.

- nps_surveys: the 0–10 "would you recommend us" card sent to customer contacts (a milestone
  reached, each quarter), one row per card, the score once answered;
- report_watch: the last state of each watched project (late / ok) and customer (at_risk /
  ok), so the department head is warned when one turns;
- indexes: every report reads "what happened in this period" — tickets opened, resolved and
  closed, escalations, survey answers, payments, site logs, approved changes, opportunity
  moves — by time range; without them each figure is a scan of its whole table
  (bench/reports.py measures both).

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# (index, table, columns): the period ranges of domain/store/repos/reports.py
INDEXES = [
    ("ix_tickets_created_at", "tickets", ["created_at"]),
    ("ix_tickets_resolved_at", "tickets", ["resolved_at"]),
    ("ix_tickets_closed_at", "tickets", ["closed_at"]),
    ("ix_tickets_project_created", "tickets", ["project_id", "created_at"]),
    ("ix_tickets_category_created", "tickets", ["category", "created_at"]),   # open complaints
    ("ix_ticket_events_kind_at", "ticket_events", ["kind", "at"]),
    ("ix_ticket_surveys_sent_at", "ticket_surveys", ["sent_at"]),
    ("ix_ticket_surveys_answered_at", "ticket_surveys", ["answered_at"]),
    ("ix_payments_paid_on", "payments", ["paid_on"]),
    ("ix_daily_logs_log_date", "daily_logs", ["log_date"]),
    ("ix_change_requests_status_decided", "change_requests", ["status", "decided_at"]),
    ("ix_audit_log_action_at", "audit_log", ["action", "at"]),
]


def upgrade() -> None:
    op.create_table(
        "nps_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=60), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["respondent_id"], ["persons.id"], name=op.f("fk_nps_surveys_respondent_id_persons")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_nps_surveys_customer_id_customers")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_nps_surveys_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nps_surveys")),
        sa.UniqueConstraint("occasion", "respondent_id", name=op.f("uq_nps_surveys_occasion_respondent_id")),
    )
    op.create_index("ix_nps_surveys_sent_at", "nps_surveys", ["sent_at"])
    op.create_index("ix_nps_surveys_answered_at", "nps_surveys", ["answered_at"])
    op.create_index(op.f("ix_nps_surveys_customer_id"), "nps_surveys", ["customer_id"])
    op.create_table(
        "report_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("episodes", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_watch")),
        sa.UniqueConstraint("subject", name=op.f("uq_report_watch_subject")),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("report_watch")
    op.drop_index(op.f("ix_nps_surveys_customer_id"), table_name="nps_surveys")
    op.drop_index("ix_nps_surveys_answered_at", table_name="nps_surveys")
    op.drop_index("ix_nps_surveys_sent_at", table_name="nps_surveys")
    op.drop_table("nps_surveys")
