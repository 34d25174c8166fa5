"""Migration 0009 on a database with tickets in it: each existing ticket gets the visibility its
report would get now (raised in a chat bound as the project's customer group, or by a customer
contact of the project: the customer's; any other: internal), on SQLite and on PostgreSQL (in a
schema of its own, so the suite's database is not touched)."""
from __future__ import annotations

import tempfile
import uuid
from datetime import datetime, timezone

from sqlalchemy import MetaData, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from domain.store.engine import make_engine
from domain.store.migrate import upgrade
from tests.conftest import PG_URL

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


def _engine(schema: str):  # noqa: ANN202
    if not PG_URL:
        return make_engine(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/before-0009.db")
    return create_async_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})


async def test_existing_tickets_get_the_visibility_their_report_would_get():
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    if PG_URL:
        admin = create_async_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = _engine(schema)
    try:
        await upgrade(engine, "0008")
        meta = MetaData()
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: meta.reflect(sync, only=[
                "persons", "projects", "chat_bindings", "project_members", "tickets"]))
            t = meta.tables
            await conn.execute(insert(t["persons"]), [
                {"id": i, "name": name, "locale": "zh-CN", "is_admin": False, "org_roles": [],
                 "active": True, "created_at": NOW} for i, name in ((1, "李工长"), (2, "刘总"))])
            await conn.execute(insert(t["projects"]), [
                {"id": i, "code": code, "name": code, "status": "active", "assignment_rules": {},
                 "calendar": {}, "created_at": NOW} for i, code in ((1, "P-001"), (2, "P-002"))])
            await conn.execute(insert(t["chat_bindings"]), [
                {"id": 1, "platform": "feishu", "chat_id": "oc_team", "project_id": 1, "audience": "internal",
                 "created_at": NOW},
                {"id": 2, "platform": "feishu", "chat_id": "oc_owner", "project_id": 1, "audience": "customer",
                 "created_at": NOW}])
            await conn.execute(insert(t["project_members"]), [
                {"id": 1, "project_id": 1, "person_id": 1, "role": "foreman", "created_at": NOW},
                {"id": 2, "project_id": 1, "person_id": 2, "role": "customer_contact", "created_at": NOW},
                {"id": 3, "project_id": 2, "person_id": 2, "role": "foreman", "created_at": NOW}])
            tickets = [  # id: (project, reporter, where it was raised)
                (1, 1, 1, "oc_team"),     # staff in the team's group: internal
                (2, 1, 1, "oc_owner"),    # staff in the customer group: the customer's
                (3, 1, 2, "oc_team"),     # a contact of P-001: the customer's
                (4, 2, 2, "oc_owner"),    # on P-002 he is staff, and oc_owner is P-001's: internal
                (5, 1, 1, None)]          # no chat known: internal
            await conn.execute(insert(t["tickets"]), [
                {"id": i, "project_id": p, "title": "x", "description": "x", "category": "quality",
                 "severity": "low", "status": "open", "reporter_id": r, "source_platform": "feishu" if c else None,
                 "source_chat_id": c, "created_at": NOW, "updated_at": NOW, "version": 1}
                for i, p, r, c in tickets])
        await upgrade(engine, "0009")
        async with engine.connect() as conn:
            rows = dict((await conn.execute(text("SELECT id, visibility FROM tickets ORDER BY id"))).all())
            # A new row gets the default.
            await conn.execute(text(
                "INSERT INTO tickets (id, project_id, title, description, category, severity, status, "
                "reporter_id, created_at, updated_at, version) VALUES (6, 1, 'y', 'y', 'quality', 'low', "
                "'open', 1, :now, :now, 1)"), {"now": NOW})
            default = await conn.scalar(select(text("visibility")).select_from(text("tickets")).where(text("id = 6")))
        assert rows == {1: "internal", 2: "customer", 3: "customer", 4: "internal", 5: "internal"}
        assert default == "internal"
    finally:
        await engine.dispose()
        if PG_URL:
            async with admin.begin() as conn:
                await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            await admin.dispose()
