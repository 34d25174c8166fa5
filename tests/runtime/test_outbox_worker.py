"""The delivery worker against an adapter the test scripts: a send holds its place in a rate
window until its answer is back, a platform-wide per-second limit is paced over its second,
claims stop at what the shared limit can take, the network's errors count as an outage, and a
stopping worker puts back what it had not sent. Real database; fixed clock, except where the
worker's own loop runs (then the windows are checked on the times the sends arrived)."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from bot.delivery.ports import Sent
from bot.delivery.worker import DeliveryWorker
from bot.settings import DeliverySettings
from domain.store.repos.outbox import OUTAGE, PENDING, SENT
from handlers.chat.contract import Target, Text


class ScriptedPlatform:
    platform = "fake"

    def __init__(self, limits: list[tuple[str, int, float]] | None = None, *, clock=None,  # noqa: ANN001
                 answer_after: float = 0.0, errors: list[BaseException] | None = None) -> None:
        self.specs, self.clock, self.answer_after = limits or [], clock, answer_after
        self.errors = list(errors or [])
        self.arrived: list[tuple[str, str, float]] = []   # (chat, text, time.monotonic())

    def limits(self, target: Target) -> list[tuple[str, int, float]]:
        return [(key.replace("{chat}", target.id), count, period) for key, count, period in self.specs]

    async def send(self, target: Target, body, *, idempotency_key: str, reply_to):  # noqa: ANN001
        self.arrived.append((target.id, body.text, time.monotonic()))
        await asyncio.sleep(0)
        if self.errors:
            raise self.errors.pop(0)
        if self.answer_after:        # a slow answer: the fixed clock moves while we wait
            self.clock.advance(seconds=self.answer_after)
        return Sent(f"m-{len(self.arrived)}")

    async def update(self, post, body):  # noqa: ANN001
        return None


async def enqueue(store, now: datetime, chats: list[str], per_chat: int = 1) -> None:  # noqa: ANN001
    async with store.transaction() as tx:
        await tx.outbox.enqueue_many([
            {"key": f"{chat}:{i}", "platform": "fake", "target_type": "chat", "target_id": chat,
             "payload": Text(f"{chat} {i}").to_payload()} for chat in chats for i in range(per_chat)], now)


async def statuses(store) -> dict[str, int]:  # noqa: ANN001
    async with store.transaction() as tx:
        counts = {}
        for status in (PENDING, "sending", SENT, "failed"):
            counts[status] = len(await tx.outbox.by_status(status, limit=10_000))
        return counts


def worker(store, clock, adapter, **settings) -> DeliveryWorker:  # noqa: ANN001
    return DeliveryWorker(store, {"fake": adapter}, DeliverySettings(**settings), clock)


async def test_a_send_holds_its_place_until_its_answer_is_back(store, clock):
    # Two a minute to this chat; each answer takes ten seconds to come back. The platform may
    # have counted the second message as late as its answer, so the third waits for a minute
    # after the first answer, not after the first send.
    adapter = ScriptedPlatform([("chat:{chat}", 2, 60.0)], clock=clock, answer_after=10)
    start = clock()
    await enqueue(store, clock(), ["c1"], per_chat=3)
    await worker(store, clock, adapter).drain()
    assert [text for _, text, _ in adapter.arrived] == ["c1 0", "c1 1"]
    async with store.transaction() as tx:
        [third] = await tx.outbox.by_status(PENDING)
    assert (third.next_attempt_at - start).total_seconds() == 70


async def test_a_per_second_limit_of_the_whole_app_is_spread_over_its_second(store, clock):
    adapter = ScriptedPlatform([("app", 50, 1.0)])
    await enqueue(store, clock(), [f"oc_{n}" for n in range(60)])
    w = worker(store, clock, adapter, batch_size=100)
    sent_at = []
    for step in range(20):                  # 2 s in tenths
        before = len(adapter.arrived)
        await w.drain()
        sent_at += [step / 10] * (len(adapter.arrived) - before)
        clock.advance(seconds=0.1)
    assert len(sent_at) == 60
    assert max(sent_at.count(t) for t in set(sent_at)) == 5        # five per tenth, not 50 at once
    assert all(sum(s <= t < s + 1 for t in sent_at) <= 50 for s in sent_at)


async def test_claims_stop_at_what_the_shared_limit_can_take(store, clock):
    adapter = ScriptedPlatform([("app", 50, 1.0), ("chat:{chat}", 5, 1.0)])
    await enqueue(store, clock(), [f"oc_{n}" for n in range(120)])
    w = worker(store, clock, adapter, batch_size=100)
    assert await w.run_once() == 50          # not 100 claimed to put 50 back
    assert (await statuses(store))[PENDING] == 115


async def test_timeouts_and_network_errors_an_adapter_lets_through_are_an_outage(store, clock):
    adapter = ScriptedPlatform(errors=[asyncio.TimeoutError(), ConnectionRefusedError(111, "refused")])
    await enqueue(store, clock(), ["c1"])
    w = worker(store, clock, adapter, max_attempts=2)
    await w.drain()
    async with store.transaction() as tx:
        [row] = await tx.outbox.by_status(PENDING)
    assert row.attempts == 1 and "TimeoutError" in row.last_error      # not "adapter crashed"
    clock.advance(seconds=5)
    await w.drain()
    async with store.transaction() as tx:
        [row] = await tx.outbox.by_status("failed")
    assert row.failure == OUTAGE and "refused" in row.last_error


async def test_running_worker_keeps_every_window_and_puts_back_what_it_holds_when_stopped(store):
    def now() -> datetime:
        return datetime.now(timezone.utc)

    adapter = ScriptedPlatform([("app", 20, 0.5), ("chat:{chat}", 2, 0.5)])
    await enqueue(store, now(), [f"oc_{n}" for n in range(10)], per_chat=6)
    w = DeliveryWorker(store, {"fake": adapter}, DeliverySettings(batch_size=100), now, idle_seconds=0.05)
    task = asyncio.create_task(w.run())
    for _ in range(400):
        await asyncio.sleep(0.02)
        if len(adapter.arrived) >= 30:
            break
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    counts = await statuses(store)
    assert counts["sending"] == 0 and counts[SENT] == len(adapter.arrived) >= 30
    assert counts[PENDING] == 60 - counts[SENT]                        # put back, due now
    times = [at for _, _, at in adapter.arrived]
    assert all(sum(s <= t < s + 0.5 for t in times) <= 20 for s in times)
    for chat in {chat for chat, _, _ in adapter.arrived}:
        mine = [(text, at) for c, text, at in adapter.arrived if c == chat]
        assert [text for text, _ in mine] == [f"{chat} {i}" for i in range(len(mine))]   # in order
        assert all(sum(s <= t < s + 0.5 for _, t in mine) <= 2 for _, s in mine)
