"""Alembic environment: always given a live connection by domain.store.migrate."""
from alembic import context

import domain.store.models  # noqa: F401 - registers the tables
from domain.store.base import Base, UTCDateTime

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `sitebot db upgrade`, which supplies the connection")



def _render_item(type_, obj, autogen_context) -> str | bool:  # noqa: ANN001
    """Migrations name plain SQL types, so they stay valid whatever our Python types become."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", render_item=_render_item)
with context.begin_transaction():
    context.run_migrations()
