"""`sitebot jobs run NAME [--at TIME]`: one pass of a scheduled job from the command line, the
same claims as the scheduler's, so a second run (or a replica's scheduler) performs nothing again."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from domain.store.models import OutboxMessage, ScheduledRun
from tests.ops.test_ops_cli import sitebot


async def test_the_digest_of_an_earlier_evening_is_queued_once(db_url, store, tmp_path):  # noqa: ANN001
    site = tmp_path / "site.toml"
    site.write_text("[progress]\nsend_when_idle = true\n", encoding="utf-8")
    env = {"SITEBOT_DATABASE_URL": db_url, "SITEBOT_CONFIG": str(site)}
    code, out = await sitebot("demo", env=env)
    assert code == 0, out
    yesterday = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    at = f"{yesterday.isoformat()}T18:05"
    code, out = await sitebot("jobs", "run", "progress.digest", "--at", at, env=env)
    assert code == 0, out
    performed = int(out.split(": ")[-1].split()[0])
    async with store.transaction() as tx:
        claims = list(await tx.session.scalars(select(ScheduledRun.key)))
        queued = await tx.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert performed > 0 and queued >= performed    # each project's digest queued
    digest_claims = [k for k in claims if k.startswith("digest:")]    # digest:P-001:<that day>
    assert len(digest_claims) == performed and all(k.endswith(yesterday.isoformat()) for k in digest_claims)
    code, out = await sitebot("jobs", "run", "progress.digest", "--at", at, env=env)
    assert code == 0 and out.strip().endswith(": 0 performed"), out
    async with store.transaction() as tx:
        assert await tx.session.scalar(select(func.count()).select_from(OutboxMessage)) == queued


async def test_an_unknown_job_or_a_time_to_come_is_refused(db_url):  # noqa: ANN001
    env = {"SITEBOT_DATABASE_URL": db_url}
    code, out = await sitebot("jobs", "run", "progress.digests", env=env)
    assert code == 2 and "no job 'progress.digests'" in out and "progress.digest," in out
    later = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    code, out = await sitebot("jobs", "run", "progress.digest", "--at", later, env=env)
    assert code == 2 and "not later than now" in out
    code, out = await sitebot("jobs", "list", env=env)
    assert code == 0 and "progress.digest\tevery 60 s" in out
