"""The digest pass reads a chunk of projects with one query per table: what it finds for each
project is exactly what the one-project reads give (`had_activity`, `customer_digest`), and a
digest that fails is undone alone and sent at the next pass."""
from __future__ import annotations

from datetime import datetime, time

from bot import keys
from domain.progress import digests
from domain.progress.digest import customer_digest, had_activity
import handlers.progress.jobs as progress_jobs
from tests.progress.helpers import OWNER, SITE, local_today
from tests.progress.test_digest import LOG, digest_cards, run_digests


async def test_the_chunk_reads_give_what_the_one_project_reads_give(console, clock):
    await console.say("u-li", SITE, LOG)
    await console.say("u-li", SITE, "进度 主体结构 60%")
    await console.say("u-li", "p002-site", "报修 3号楼脚手架连墙件松动")   # internal: not the customer's
    await console.say("u-he", "p002-owner", "报修 3号楼外墙渗水")          # the customer's: activity
    store, tz = console.app[keys.STORE], console.app[keys.JOBS].deps.timezone
    today = local_today(clock)
    async with store.transaction() as tx:
        projects = await tx.projects.all()
        rows = await digests.read(tx, [p.id for p in projects], today, tz)
        for project in projects:
            assert rows.active(project.id) == await had_activity(tx, project, today, tz), project.code
            assert rows.digest(project) == await customer_digest(tx, project, today, tz), project.code
    assert [rows.active(p.id) for p in projects] == [True, True, False]


async def test_a_failing_digest_is_sent_at_the_next_pass(console, clock, monkeypatch):
    for chat in (SITE, "p002-site"):
        await console.say("u-li", chat, "日志 今日完成钢筋绑扎")
    real, failures = progress_jobs.digest_card, []

    def card(deps, locale, data, links):  # noqa: ANN001, ANN202
        if data.code == "P-001" and len(failures) < 2:   # the whole first pass
            failures.append(data.code)
            raise RuntimeError("a template that cannot be filled")
        return real(deps, locale, data, links)
    monkeypatch.setattr(progress_jobs, "digest_card", card)
    clock.now = datetime.combine(local_today(clock), time(18, 0), console.app[keys.JOBS].deps.timezone)
    assert await run_digests(console) == 2                 # P-002, and P-003 (quiet: claimed only)
    assert await digest_cards(console, OWNER) == []
    assert len(await digest_cards(console, "p002-owner")) == 1
    assert await run_digests(console) == 1                 # P-001
    assert await run_digests(console) == 0
    assert len(await digest_cards(console, OWNER)) == 1
    assert len(await digest_cards(console, "p002-owner")) == 1
