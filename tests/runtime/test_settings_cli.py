"""Configuration and the command line: bad values stop start-up with one line naming the key;
db upgrade / demo / admin add work against the real database."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.settings import ConfigError, load_settings


def test_defaults_match_the_documented_interface():
    settings = load_settings(env={})
    assert (settings.host, settings.port, settings.console) == ("127.0.0.1", 8080, False)
    assert settings.database_url == "sqlite+aiosqlite:///var/sitebot.db"
    assert str(settings.timezone) == "Asia/Shanghai"


def test_environment_overrides():
    settings = load_settings(env={"SITEBOT_PORT": "9090", "SITEBOT_HOST": "0.0.0.0",
                                  "SITEBOT_CONSOLE": "1", "SITEBOT_TIMEZONE": "Asia/Urumqi",
                                  "SITEBOT_DATABASE_URL": "postgresql://u:p@db/sitebot"})
    assert (settings.port, settings.host, settings.console) == (9090, "0.0.0.0", True)
    assert str(settings.timezone) == "Asia/Urumqi"
    assert settings.database_url == "postgresql+asyncpg://u:p@db/sitebot"


@pytest.mark.parametrize("env, key", [
    ({"SITEBOT_PORT": "eighty"}, "SITEBOT_PORT"),
    ({"SITEBOT_PORT": "70000"}, "SITEBOT_PORT"),
    ({"SITEBOT_CONSOLE": "maybe"}, "SITEBOT_CONSOLE"),
    ({"SITEBOT_TIMEZONE": "Mars/Olympus"}, "SITEBOT_TIMEZONE"),
    ({"SITEBOT_DATABASE_URL": "mysql://x"}, "SITEBOT_DATABASE_URL"),
])
def test_bad_environment_values_name_the_key(env, key):
    with pytest.raises(ConfigError) as error:
        load_settings(env=env)
    assert key in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("overrides, key", [
    ({"tickets": {"sla": {"high": {"accept_minutes": -5, "resolve_minutes": 240}}}},
     "tickets.sla.high.accept_minutes"),
    ({"tickets": {"assignment": {"quality": "wizard"}}}, "tickets.assignment.quality"),
    ({"delivery": {"max_attempts": 0}}, "delivery.max_attempts"),
])
def test_bad_config_values_name_the_key(overrides, key):
    with pytest.raises(ConfigError) as error:
        load_settings(env={}, overrides=overrides)
    assert key in str(error.value)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_cli_refuses_bad_config_with_one_line():
    result = run_cli("serve", env={"SITEBOT_PORT": "abc"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sitebot: configuration error: SITEBOT_PORT: expected a port number 1-65535, got 'abc'"]


def test_cli_help_lists_the_commands():
    result = run_cli("--help", env={})
    assert result.returncode == 0
    for command in ("serve", "db", "demo", "admin"):
        assert command in result.stdout


async def test_cli_db_upgrade_demo_and_admin_add(db_url, store):
    env = {"SITEBOT_DATABASE_URL": db_url}
    assert run_cli("db", "upgrade", env=env).stdout.strip() == "database is at the newest schema"
    assert run_cli("demo", env=env).stdout.strip() == "demo data seeded"
    assert "nothing seeded" in run_cli("demo", env=env).stdout
    async with store.transaction() as tx:
        seeded = await tx.people.count()   # demo people (each area may add its own)
    result = run_cli("admin", "add", "张三", "--identity", "feishu:ou_zhang", env=env)
    assert result.returncode == 0 and result.stdout.strip() == "张三 is an admin"
    missing = run_cli("admin", "add", "没这个人", env=env)
    assert missing.returncode == 1 and "person_not_found" in missing.stderr
    async with store.transaction() as tx:
        person = await tx.people.by_identity("feishu", "ou_zhang")
        assert person.name == "张三" and person.is_admin
        assert await tx.people.count() == seeded + 1
