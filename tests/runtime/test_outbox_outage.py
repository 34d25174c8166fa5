"""Replies survive a long outage (issue 13, item 5): Feishu goes down for longer than the retry
budget (2+4+8+16+32 s between six tries), then comes back. Every reply arrives, once; a row
the platform refuses stays failed; rows older than the bound stay failed and are counted; the
health endpoint and the log say how many failed and how long the oldest has waited.

Reports go through the real webhook (signed, encrypted), the real app and worker, the real
Feishu API client, a fake Feishu that answers 5xx, drops connections, answers 429 or is not
there at all (tests/runtime/outage_feishu.py), and the real database. The clock is fixed and
moved by the test."""
from __future__ import annotations

import logging

import pytest

from bot import keys
from domain.store.models import OutboxMessage
from domain.store.repos.outbox import FAILED, OUTAGE, PERMANENT, SENT
from sqlalchemy import select
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import sample
from tests.runtime.outage_feishu import feishu_app, started

REPORTS = 8


@pytest.fixture
async def fake(clock):  # noqa: ANN001, ANN201
    fake = await started(clock)
    yield fake
    await fake.stop()


async def outbox(driver) -> list[OutboxMessage]:  # noqa: ANN001
    async with driver.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def report(driver, number: int) -> None:  # noqa: ANN001
    await driver.say("ou_li", SITE, f"报修 {number}号楼3层卫生间渗水，比较急")


async def run_for(driver, seconds: int, step: int = 5) -> None:  # noqa: ANN001
    for _ in range(seconds // step):
        driver.clock.advance(seconds=step)
        await driver.deliver()


def assert_each_arrived_once(driver, rows: list[OutboxMessage]) -> None:  # noqa: ANN001
    from bot.feishu.adapter import feishu_uuid
    sent = [row for row in rows if row.status == SENT]
    assert sent and all(driver.fake.created[feishu_uuid(row.idempotency_key)] == 1 for row in sent)
    assert sum(driver.fake.created.values()) == len(sent)
    posted = {m.message_id for m in driver.fake.messages.values() if m.sender == "bot"}
    assert {row.platform_message_id for row in sent} == posted


@pytest.mark.parametrize("kind", ["5xx", "refused", "drop"])
async def test_replies_held_up_by_an_outage_arrive_once_it_is_over(db_url, fake, clock, aiohttp_client, kind):
    driver = await feishu_app(db_url, fake, clock, aiohttp_client)
    await report(driver, 1)                                   # before: all well
    fake.lose_answer_left = 1          # the next message is made, but its answer is lost ...
    await report(driver, 2)
    made = len(fake.created)
    await fake.go_down(kind)           # ... and then Feishu is down for five minutes
    for number in range(3, REPORTS + 1):
        await report(driver, number)
        clock.advance(seconds=2)
    bot_left = sample("bot_added.json")        # a chat the bot was removed from meanwhile
    bot_left["event"]["chat_id"] = "oc_left_already"
    assert (await driver.post(bot_left)).status == 200
    await run_for(driver, 300)
    rows = await outbox(driver)
    failed = [row for row in rows if row.status == FAILED]
    assert failed and {row.failure for row in failed} == {OUTAGE}       # the old end of the story
    assert len(fake.created) == made == 4

    await fake.come_back()
    await run_for(driver, 120, step=10)
    rows = await outbox(driver)
    assert_each_arrived_once(driver, rows)
    assert len(driver.cards(SITE)) == REPORTS and len(driver.cards("ou_zhao")) == REPORTS
    [refused] = [row for row in rows if row.status != SENT]
    assert refused.target_id == "oc_left_already" and refused.failure == PERMANENT
    assert "230002" in refused.last_error
    await run_for(driver, 120, step=30)                                  # and it stays so
    assert (await outbox(driver))[-1].status == FAILED and len(fake.created) == 2 * REPORTS


async def test_rate_limit_answers_for_minutes_delay_but_fail_nothing(db_url, fake, clock, aiohttp_client):
    driver = await feishu_app(db_url, fake, clock, aiohttp_client)
    await fake.go_down("429")
    for number in range(1, 4):
        await report(driver, number)
    await run_for(driver, 300)
    rows = await outbox(driver)
    assert {row.status for row in rows} == {"pending"} and {row.attempts for row in rows} == {0}
    await fake.come_back()
    await run_for(driver, 30)
    rows = await outbox(driver)
    assert {row.status for row in rows} == {SENT}
    assert_each_arrived_once(driver, rows)


async def test_rows_older_than_the_bound_stay_failed_and_are_counted(db_url, fake, clock, aiohttp_client, caplog):
    driver = await feishu_app(db_url, fake, clock, aiohttp_client, outage_retry_minutes=10)
    await fake.go_down("5xx")
    await report(driver, 1)
    caplog.set_level(logging.WARNING, logger="bot.delivery.monitor")
    await run_for(driver, 15 * 60, step=30)                 # down for longer than ten minutes
    rows = await outbox(driver)
    assert {(row.status, row.failure) for row in rows} == {(FAILED, OUTAGE)}
    assert any("2 failed" in line and "outage" in line for line in caplog.messages)
    health = await (await driver.client.get("/healthz")).json()
    assert health["outbox"]["failed"] == 2 and health["outbox"]["failed_outage_expired"] == 2

    await fake.come_back()
    await report(driver, 2)                                  # a new report gets its replies ...
    await run_for(driver, 120, step=10)
    rows = await outbox(driver)
    assert [row.status for row in rows] == [FAILED, FAILED, SENT, SENT]   # ... the old stay failed
    assert len(fake.created) == 2
    response = await driver.client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["outbox"] == {
        "pending": 0, "oldest_pending_seconds": None, "failed": 2, "failed_outage_waiting": 0,
        "failed_outage_expired": 2, "failed_permanent": 0}


async def test_health_says_how_many_wait_and_how_long_the_oldest_has(db_url, fake, clock, aiohttp_client):
    driver = await feishu_app(db_url, fake, clock, aiohttp_client)
    await fake.go_down("refused")
    await report(driver, 1)
    clock.advance(seconds=90)
    await driver.deliver()
    response = await driver.client.get("/healthz")
    body = await response.json()
    assert response.status == 200 and body["status"] == "ok"
    assert body["outbox"]["pending"] == 2 and body["outbox"]["oldest_pending_seconds"] == 90.0
    assert body["outbox"]["failed"] == 0
