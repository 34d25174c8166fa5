"""Site capture (issue 17): the platform message a ticket came from (so a recall on the
platform can withdraw it) and when that message was recalled; site inspections (巡检) and
acceptance records (验收单).

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("source_message_id", sa.String(length=191), nullable=True))
        batch.add_column(sa.Column("source_recalled_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_tickets_source_message", ["source_platform", "source_message_id"])
    op.create_table(
        "site_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("checked", sa.String(length=2000), nullable=False),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("finding_ticket_ids", sa.JSON(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=True),
        sa.Column("chat_id", sa.String(length=128), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_site_inspections_project_id_projects")),
        sa.ForeignKeyConstraint(["inspector_id"], ["persons.id"], name=op.f("fk_site_inspections_inspector_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_inspections")),
    )
    op.create_index("ix_site_inspections_project_at", "site_inspections", ["project_id", "at"])
    op.create_index("ix_site_inspections_inspector_at", "site_inspections", ["inspector_id", "at"])
    op.create_table(
        "acceptance_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=True),
        sa.Column("chat_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_acceptance_records_project_id_projects")),
        sa.ForeignKeyConstraint(["requester_id"], ["persons.id"], name=op.f("fk_acceptance_records_requester_id_persons")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["persons.id"], name=op.f("fk_acceptance_records_decided_by_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_records")),
    )
    op.create_index("ix_acceptance_records_project_created", "acceptance_records", ["project_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_acceptance_records_project_created", table_name="acceptance_records")
    op.drop_table("acceptance_records")
    op.drop_index("ix_site_inspections_inspector_at", table_name="site_inspections")
    op.drop_index("ix_site_inspections_project_at", table_name="site_inspections")
    op.drop_table("site_inspections")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_source_message")
        batch.drop_column("source_recalled_at")
        batch.drop_column("source_message_id")
