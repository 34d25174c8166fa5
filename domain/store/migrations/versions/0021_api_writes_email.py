"""api_tokens.own_person: a token's own person holds its roles only while a call runs (issue 20
API writes), so it is never an approver, an escalation or a report recipient.

Tokens made before keep what they had (their person's stored roles): False.

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("own_person", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("own_person")
