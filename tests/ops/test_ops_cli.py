"""`sitebot check`, `backup` and `restore` run as the command a person types (a subprocess),
against the fake platforms and the test database."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from bot import keys
from tests.conftest import PG_URL
from tests.platforms.dingtalk.driver import APP_KEY as DT_KEY
from tests.platforms.dingtalk.driver import APP_SECRET as DT_SECRET
from tests.platforms.dingtalk.driver import CORP_ID as DT_CORP
from tests.platforms.dingtalk.fake_dingtalk import FakeDingTalk
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import APP_ID, APP_SECRET

ROOT = Path(__file__).resolve().parents[2]


async def sitebot(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Runs `sitebot ARGS` without blocking this loop (the fakes answer from it)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SITEBOT_")}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, cwd=ROOT,
                                                env={**base, **env}, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode()


@pytest.fixture
async def dingtalk_fake(clock):
    fake = await FakeDingTalk(clock, DT_KEY, DT_SECRET).start()
    yield fake
    await fake.stop()


def feishu_env(fake, secret: str = APP_SECRET) -> dict[str, str]:
    return {"SITEBOT_FEISHU_APP_ID": APP_ID, "SITEBOT_FEISHU_APP_SECRET": secret,
            "SITEBOT_FEISHU_BASE_URL": fake.base_url}


def dingtalk_env(fake, secret: str = DT_SECRET) -> dict[str, str]:
    return {"SITEBOT_DINGTALK_APP_KEY": DT_KEY, "SITEBOT_DINGTALK_APP_SECRET": secret,
            "SITEBOT_DINGTALK_CORP_ID": DT_CORP, "SITEBOT_DINGTALK_BASE_URL": fake.base_url}


async def test_check_fetches_each_enabled_platforms_token(db_url, fake, dingtalk_fake):
    code, out = await sitebot("check", env={"SITEBOT_DATABASE_URL": db_url, **feishu_env(fake),
                                            **dingtalk_env(dingtalk_fake)})
    assert code == 0, out
    assert "feishu: enabled; ok: credentials accepted" in out
    assert "dingtalk: enabled; ok: credentials accepted" in out
    assert "wecom: not enabled (set SITEBOT_WECOM_CORP_ID" in out
    assert "ok: reachable, schema" in out and out.strip().endswith("all good")
    assert fake.token_fetches == 1


async def test_check_says_which_secret_the_platform_refused(db_url, fake, dingtalk_fake):
    code, out = await sitebot("check", env={"SITEBOT_DATABASE_URL": db_url, **feishu_env(fake, "wrong"),
                                            **dingtalk_env(dingtalk_fake)})
    assert code == 1, out
    assert "feishu: enabled; PROBLEM: no token:" in out and "app secret invalid" in out
    assert "dingtalk: enabled; ok" in out and out.strip().endswith("1 problem(s)")


async def test_check_a_database_that_is_not_there(fake):
    code, out = await sitebot("check", env={"SITEBOT_DATABASE_URL": "postgresql+asyncpg://u:pw@127.0.0.1:9/gone",
                                            **feishu_env(fake)})
    assert code == 1 and "PROBLEM: not reachable" in out and "pw" not in out.replace("PROBLEM", "")


async def test_check_refuses_a_half_configured_platform(db_url):
    code, out = await sitebot("check", env={"SITEBOT_DATABASE_URL": db_url, "SITEBOT_FEISHU_APP_ID": APP_ID})
    assert code == 1 and "feishu: enabled; PROBLEM" in out and "SITEBOT_FEISHU_APP_SECRET" in out


def table_rows(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        rows = {name: sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"'))) for name in names}
    conn.close()
    return rows


@pytest.mark.skipif(bool(PG_URL), reason="backup/restore copy SQLite; PostgreSQL is pg_dump's (README)")
async def test_backup_while_serving_then_restore(feishu, db_url, tmp_path):
    db = Path(db_url.split("///", 1)[1])
    await feishu.say("ou_li", SITE, "报修 3号楼 外墙脚手架扣件松动")
    env = {"SITEBOT_DATABASE_URL": db_url}
    backup = tmp_path / "backups" / "sitebot-backup.db"
    # The app keeps serving (its pool holds connections open) while the copy is made.
    code, out = await sitebot("backup", str(backup), env=env)
    assert code == 0, out
    assert backup.exists() and (tmp_path / "backups" / "sitebot-backup.inbox.db").exists()
    at_backup = table_rows(db)
    assert table_rows(backup) == at_backup and at_backup["tickets"]

    await feishu.say("ou_li", SITE, "报修 5号楼 临边防护缺失")     # written after the backup
    assert len(table_rows(db)["tickets"]) == len(at_backup["tickets"]) + 1
    await feishu.app[keys.STORE].engine.dispose()                   # restore wants sitebot stopped

    code, out = await sitebot("restore", str(backup), env=env)
    assert code == 0, out
    assert table_rows(db) == at_backup


@pytest.mark.skipif(bool(PG_URL), reason="SQLite only")
async def test_restore_refuses_a_file_that_is_no_database(db_url, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    before = table_rows(Path(db_url.split("///", 1)[1]))
    code, out = await sitebot("restore", str(junk), env={"SITEBOT_DATABASE_URL": db_url})
    assert code == 1 and "not a usable SQLite backup" in out
    assert table_rows(Path(db_url.split("///", 1)[1])) == before


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL")
async def test_backup_points_postgresql_to_pg_dump(db_url, tmp_path):
    code, out = await sitebot("backup", str(tmp_path / "x.db"), env={"SITEBOT_DATABASE_URL": db_url})
    assert code == 2 and "pg_dump" in out


async def test_check_asks_for_the_long_connection_and_the_stream_without_opening_them(db_url, clock):
    from tests.platforms.dingtalk.fake_stream import FakeDingTalkStream
    from tests.platforms.feishu.fake_long_connection import FakeFeishuLongConnection
    feishu = await FakeFeishuLongConnection(APP_ID, APP_SECRET, clock=clock).start()
    dingtalk = await FakeDingTalkStream(clock, DT_KEY, DT_SECRET).start()
    try:
        code, out = await sitebot("check", env={
            "SITEBOT_DATABASE_URL": db_url, **feishu_env(feishu), "SITEBOT_FEISHU_MODE": "ws",
            **dingtalk_env(dingtalk), "SITEBOT_DINGTALK_MODE": "stream"})
        assert code == 0, out
        assert "feishu: ok: ws connection offered (none opened)" in out
        assert "dingtalk: ok: stream connection offered (none opened)" in out
        assert feishu.endpoint_requests == [{"AppID": APP_ID, "AppSecret": APP_SECRET}]
        assert dingtalk.open_requests[0]["clientId"] == DT_KEY
        assert feishu.connects == 0 and dingtalk.connects == 0
    finally:
        await feishu.stop()
        await dingtalk.stop()


async def test_check_says_when_the_platform_offers_no_connection_though_the_secret_works(db_url, fake):
    """The plain fake Feishu has no long-connection endpoint, like an app Feishu gives none."""
    code, out = await sitebot("check", env={"SITEBOT_DATABASE_URL": db_url, **feishu_env(fake),
                                            "SITEBOT_FEISHU_MODE": "ws"})
    assert code == 1, out
    assert "feishu: enabled; ok: credentials accepted" in out
    assert "feishu: PROBLEM: ws mode: no long connection offered" in out
