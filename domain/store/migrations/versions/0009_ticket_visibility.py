"""Tickets: which ones a customer may see.

`tickets.visibility`: "internal" (the default: only the site team sees it), "customer" (raised
in the project's customer group or by a customer contact) or "shared" (a manager shared it with
the customer; `共享 T-12`, undone by `取消共享 T-12`). Existing tickets get the value the
report would have got: raised in a chat now bound as a customer group, or by someone who is a
customer contact on the ticket's project, is "customer"; every other is "internal".

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visibility", sa.String(length=10), nullable=False,
                                      server_default="internal"))
        # The customer page and digest read a project's customer-visible tickets.
        batch_op.create_index("ix_tickets_project_visibility", ["project_id", "visibility"])
    op.execute("""
        UPDATE tickets SET visibility = 'customer'
        WHERE EXISTS (SELECT 1 FROM chat_bindings b
                      WHERE b.platform = tickets.source_platform AND b.chat_id = tickets.source_chat_id
                        AND b.project_id = tickets.project_id AND b.audience = 'customer')
           OR EXISTS (SELECT 1 FROM project_members m
                      WHERE m.project_id = tickets.project_id AND m.person_id = tickets.reporter_id
                        AND m.role = 'customer_contact')
    """)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_project_visibility")
        batch_op.drop_column("visibility")
