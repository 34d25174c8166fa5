"""`sitebot outbox status` and `sitebot outbox retry`, run as the command they are (a process
of their own) against the real database the test filled."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from bot.delivery.ports import Sent
from bot.delivery.worker import DeliveryWorker
from bot.outbox_cli import parse_since
from bot.settings import DeliverySettings, load_settings
from domain.store.models import OutboxMessage
from domain.store.repos.outbox import FAILED, OUTAGE, PENDING, PERMANENT, SENT
from handlers.chat.contract import Text
from sqlalchemy import select


def sitebot(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "outbox", *args], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "SITEBOT_DATABASE_URL": db_url, "SITEBOT_CONSOLE": "0"})


async def seed(store, clock) -> None:  # noqa: ANN001
    """What an outage and a removed bot leave behind, and one message still waiting."""
    rows = [("feishu", "oc_site", FAILED, OUTAGE, clock()),
            ("feishu", "oc_gone", FAILED, PERMANENT, clock()),
            ("wecom", "zhangsan", FAILED, OUTAGE, clock()),
            ("feishu", "oc_site", FAILED, OUTAGE, clock() - timedelta(days=1)),   # older
            ("dingtalk", "cid1", PENDING, None, clock() - timedelta(seconds=90))]
    async with store.transaction() as tx:
        for n, (platform, target, status, failure, created) in enumerate(rows):
            tx.add(OutboxMessage(
                idempotency_key=f"k{n}", platform=platform, target_type="chat", target_id=target,
                op="send", payload=Text(f"消息 {n}").to_payload(), status=status, attempts=6,
                next_attempt_at=created, created_at=created, failure=failure,
                failed_at=created if failure else None,
                last_error="send: HTTP 503, code None:" if failure == OUTAGE else
                "send: HTTP 400, code 230002: Bot/User can NOT be out of the chat."))


async def outbox(store) -> list[OutboxMessage]:  # noqa: ANN001
    async with store.transaction() as tx:
        return list(await tx.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_status_says_what_waits_and_what_failed_and_why(db_url, store, clock):
    await seed(store, clock)
    done = sitebot(db_url, "status")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("待发送 1 条，最早的一条已等待")
    # (the command's own clock is today's: the outage failures are days old, too old to resend)
    assert lines[1].startswith("发送失败 4 条：平台故障 0 条") and "平台拒绝 1 条" in lines[1]
    assert any("oc_gone" in line and "平台拒绝" in line and "230002" in line for line in lines)
    assert sum("#" in line for line in lines) == 4


async def test_retry_requeues_the_failures_asked_for_and_they_are_sent(db_url, store, clock):
    await seed(store, clock)
    # 13:30 in Shanghai, half an hour before the failures; the feishu ones only
    done = sitebot(db_url, "retry", "--since", "2026-11-23T13:30", "--platform", "feishu")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "已重新排队 2 条发送失败的消息，运行中的 sitebot 会马上发送。"
    rows = await outbox(store)
    assert [(r.status, r.attempts, r.failure) for r in rows] == [
        (PENDING, 0, None), (PENDING, 0, None), (FAILED, 6, OUTAGE), (FAILED, 6, OUTAGE), (PENDING, 6, None)]

    class Feishu:
        sent: list[str] = []

        async def send(self, target, body, *, idempotency_key, reply_to):  # noqa: ANN001
            self.sent.append(target.id)
            return Sent(f"om_{len(self.sent)}")

    adapter = Feishu()
    worker = DeliveryWorker(store, {"feishu": adapter}, DeliverySettings(),
                            lambda: datetime.now(timezone.utc), leave_to_others=["wecom", "dingtalk"])
    await worker.drain()
    assert sorted(adapter.sent) == ["oc_gone", "oc_site"]
    assert [r.status for r in await outbox(store)][:2] == [SENT, SENT]


async def test_bad_input_gets_a_clear_answer_and_changes_nothing(db_url, store, clock):
    await seed(store, clock)
    before = [(r.status, r.attempts) for r in await outbox(store)]
    done = sitebot(db_url, "retry", "--since", "yesterday")
    assert done.returncode == 2 and "--since “yesterday” 看不懂" in done.stderr and "什么也没改" in done.stderr
    done = sitebot(db_url, "retry", "--platform", "qq")
    assert done.returncode == 2 and "不是已知的平台" in done.stderr
    assert [(r.status, r.attempts) for r in await outbox(store)] == before
    done = sitebot(db_url, "retry", "--since", "1h", "--platform", "dingtalk")
    assert done.returncode == 0 and "没有符合条件" in done.stdout


def test_since_takes_a_time_or_a_duration_back_from_now():
    settings = load_settings(env={})
    now = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
    assert parse_since("2h", now, settings) == now - timedelta(hours=2)
    assert parse_since("90s", now, settings) == now - timedelta(seconds=90)
    assert parse_since("1.5d", now, settings) == now - timedelta(days=1.5)
    assert parse_since("2026-11-23 14:00", now, settings) == now       # Shanghai time
    assert parse_since("2026-11-23T06:00:00+00:00", now, settings) == now
    for bad in ("", "2x", "h", "-2h", "tomorrow"):
        assert parse_since(bad, now, settings) is None
