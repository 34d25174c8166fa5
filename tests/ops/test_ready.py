"""GET /readyz over real HTTP: ready with a reachable database at the newest schema and a
platform that gives a token; 503 naming the problem otherwise."""
from __future__ import annotations

from sqlalchemy import text

from bot import keys
from domain.store.engine import make_engine
from domain.store.migrate import newest_revision

GONE = "postgresql+asyncpg://sitebot:x@127.0.0.1:9/gone"   # nothing listens on port 9


async def test_ready_when_database_schema_and_token_are_fine(feishu):
    response = await feishu.client.get("/readyz")
    body = await response.json()
    assert response.status == 200, body
    assert body == {"status": "ready", "platforms": {"feishu": "ok"}, "problems": {}}


async def test_not_ready_when_the_platform_refuses_our_secret(feishu):
    feishu.fake.app_secret = "rotated-on-the-platform"
    response = await feishu.client.get("/readyz")
    body = await response.json()
    assert response.status == 503 and body["status"] == "not ready"
    assert "app secret invalid" in body["problems"]["feishu"]
    assert (await feishu.client.get("/healthz")).status == 200   # alive all the same


async def test_token_checks_are_kept_briefly(feishu):
    await feishu.client.get("/readyz")
    fetched = feishu.fake.token_fetches
    for _ in range(5):
        assert (await feishu.client.get("/readyz")).status == 200
    assert feishu.fake.token_fetches == fetched


async def test_not_ready_when_the_database_is_gone(feishu):
    store = feishu.app[keys.STORE]
    alive = store.engine
    store.engine = make_engine(GONE)
    try:
        response = await feishu.client.get("/readyz")
        body = await response.json()
        assert response.status == 503 and "database" in body["problems"]
        assert (await feishu.client.get("/healthz")).status == 503
    finally:
        await store.engine.dispose()
        store.engine = alive
    assert (await feishu.client.get("/readyz")).status == 200


async def test_not_ready_until_migrations_are_applied(feishu):
    engine = feishu.app[keys.STORE].engine
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        body = await (await feishu.client.get("/readyz")).json()
        assert body["status"] == "not ready"
        assert "sitebot db upgrade" in body["problems"]["migrations"]
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :head"),
                               {"head": newest_revision()})
