"""Progress and digests (issue 7): the history of milestone progress (what changed today, for
the digest and the weekly report), internal notes and costs kept apart on daily logs, one log
per author per day, and a per-project "send a digest even on a quiet day".

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "milestone_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("old_progress", sa.Integer(), nullable=False),
        sa.Column("new_progress", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"],
                                name=op.f("fk_milestone_updates_milestone_id_milestones")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_milestone_updates_project_id_projects")),
        sa.ForeignKeyConstraint(["actor_id"], ["persons.id"],
                                name=op.f("fk_milestone_updates_actor_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_updates")),
    )
    op.create_index("ix_milestone_updates_project_at", "milestone_updates", ["project_id", "at"])
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("daily_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("internal_note", sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column("cost", sa.Numeric(14, 2), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_daily_logs_project_id"),
                                          ["project_id", "log_date", "author_id"])
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_when_idle", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("digest_when_idle")
    with op.batch_alter_table("daily_logs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_daily_logs_project_id"), type_="unique")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("cost")
        batch_op.drop_column("internal_note")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
    op.drop_index("ix_milestone_updates_project_at", table_name="milestone_updates")
    op.drop_table("milestone_updates")
