"""The outbox delivery worker: retries, final failure with the error, rate limits deferring
(not dropping), per-chat order, and two workers sharing one database without double sends."""
from __future__ import annotations

import asyncio

from bot.delivery.ports import PermanentError, PostRef, RateLimited, Sent, TransientError
from bot.delivery.worker import DeliveryWorker
from bot.settings import DeliverySettings
from domain.store.repos.outbox import FAILED, PENDING, SENT
from handlers.chat.contract import Target, Text


class FakePlatform:
    """A fake of the adapter port: records sends and fails as scripted."""

    platform = "fake"

    def __init__(self, script: list[Exception | None] | None = None, limit: tuple[int, float] | None = None):
        self.script = list(script or [])
        self.sent: list[tuple[str, str]] = []
        self.limit = limit

    async def send(self, target: Target, body, *, idempotency_key: str, reply_to):  # noqa: ANN001
        await asyncio.sleep(0)  # let other deliveries interleave, as real I/O would
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.sent.append((target.id, body.text))
        return Sent(f"m-{len(self.sent)}")

    async def update(self, post: PostRef, body):  # noqa: ANN001
        return None

    def limits(self, target: Target):
        return [(f"chat:{target.id}", *self.limit)] if self.limit else []


async def enqueue(store, clock, n: int = 1, chat: str = "c1", prefix: str = "k") -> None:
    async with store.transaction() as tx:
        for i in range(n):
            await tx.outbox.enqueue(key=f"{prefix}{i}", platform="fake", target_type="chat",
                                    target_id=chat, payload=Text(f"hello {i}").to_payload(), now=clock())


async def rows(store, status):
    async with store.transaction() as tx:
        return await tx.outbox.by_status(status)


def worker(store, clock, adapter, **settings) -> DeliveryWorker:
    return DeliveryWorker(store, {"fake": adapter}, DeliverySettings(**settings), clock)


async def test_transient_errors_are_retried_with_backoff(store, clock):
    adapter = FakePlatform([TransientError("502 bad gateway"), TransientError("timeout")])
    w = worker(store, clock, adapter, backoff_seconds=2.0)
    await enqueue(store, clock)
    await w.drain()
    [row] = await rows(store, PENDING)
    assert row.attempts == 1 and row.last_error == "502 bad gateway"
    clock.advance(seconds=1)
    await w.drain()
    assert adapter.sent == []                        # not due before the backoff
    clock.advance(seconds=1)
    await w.drain()
    clock.advance(seconds=4)                          # second backoff doubles
    await w.drain()
    [row] = await rows(store, SENT)
    assert adapter.sent == [("c1", "hello 0")] and row.attempts == 3 and row.platform_message_id == "m-1"


async def test_gives_up_after_max_attempts_and_keeps_the_error(store, clock):
    adapter = FakePlatform([TransientError(f"boom {i}") for i in range(10)])
    w = worker(store, clock, adapter, max_attempts=3, backoff_seconds=1.0)
    await enqueue(store, clock)
    for _ in range(3):                               # before the first look for the platform
        await w.drain()                              # coming back (tests/runtime/test_outbox_outage.py)
        clock.advance(seconds=10)
    [row] = await rows(store, FAILED)
    assert row.attempts == 3 and row.last_error == "boom 2" and adapter.sent == []
    assert row.failure == "outage"


async def test_permanent_error_fails_at_once(store, clock):
    adapter = FakePlatform([PermanentError("bot is not in the chat")])
    await enqueue(store, clock)
    await worker(store, clock, adapter).drain()
    [row] = await rows(store, FAILED)
    assert row.attempts == 1 and "not in the chat" in row.last_error


async def test_rate_limited_waits_as_told_without_using_attempts(store, clock):
    adapter = FakePlatform([RateLimited("429", retry_after=30)] * 3)
    w = worker(store, clock, adapter, max_attempts=2)
    await enqueue(store, clock)
    for _ in range(3):
        await w.drain()
        clock.advance(seconds=31)
    await w.drain()
    [row] = await rows(store, SENT)
    assert row.attempts == 1 and adapter.sent == [("c1", "hello 0")]


async def test_adapter_limits_defer_rows_in_order(store, clock):
    adapter = FakePlatform(limit=(2, 60.0))          # two per minute for this chat
    w = worker(store, clock, adapter)
    await enqueue(store, clock, n=5)
    await w.drain()
    assert [t for _, t in adapter.sent] == ["hello 0", "hello 1"]
    assert len(await rows(store, PENDING)) == 3       # deferred, not failed
    [first_deferred] = [r for r in await rows(store, PENDING) if r.idempotency_key == "k2"]
    # When the first send leaves the window: 60 s after its answer came back.
    assert (first_deferred.next_attempt_at - clock()).total_seconds() == 60
    clock.advance(seconds=59)
    await w.drain()
    assert len(adapter.sent) == 2                       # never 3 in any 60 s
    clock.advance(seconds=1)
    await w.drain()
    assert [t for _, t in adapter.sent] == [f"hello {i}" for i in range(4)]
    clock.advance(seconds=60)
    await w.drain()
    assert [t for _, t in adapter.sent] == [f"hello {i}" for i in range(5)]


async def test_a_limit_holds_in_every_window_not_only_on_average():
    from bot.delivery.limits import RateLimits
    now = [0.0]
    limits = RateLimits(lambda: now[0])
    sent = []
    for step in range(600):                              # 10 minutes in 1 s steps
        now[0] = float(step)
        while not await limits.try_take([("member:zhang", 30, 60.0)]):
            sent.append(now[0])
    for start in sent:                                   # any 60 s window holds at most 30
        assert sum(start <= t < start + 60 for t in sent) <= 30
    assert len(sent) == 300


async def test_unknown_platform_is_recorded_as_failed(store, clock):
    async with store.transaction() as tx:
        await tx.outbox.enqueue(key="x", platform="nowhere", target_type="chat", target_id="c",
                                payload=Text("hi").to_payload(), now=clock())
    await worker(store, clock, FakePlatform()).drain()
    [row] = await rows(store, FAILED)
    assert "not configured" in row.last_error


async def test_same_idempotency_key_is_queued_once(store, clock):
    await enqueue(store, clock, n=1)
    await enqueue(store, clock, n=1)
    assert len(await rows(store, PENDING)) == 1


async def test_two_workers_on_one_database_send_each_row_once(db_url, clock):
    from domain.store.engine import make_engine
    from domain.store.uow import Store
    first, second = Store(make_engine(db_url)), Store(make_engine(db_url))
    try:
        await enqueue(first, clock, n=60, chat="c1", prefix="a")
        await enqueue(first, clock, n=60, chat="c2", prefix="b")
        adapter = FakePlatform()
        w1 = worker(first, clock, adapter, batch_size=7)
        w2 = worker(second, clock, adapter, batch_size=7)
        await asyncio.gather(w1.drain(max_passes=100), w2.drain(max_passes=100))
        texts = sorted(adapter.sent)
        assert len(texts) == 120 and len(set(texts)) == 120
        per_chat = [t for c, t in adapter.sent if c == "c1"]
        assert per_chat == sorted(per_chat, key=lambda t: int(t.split()[1]))  # order kept per chat
    finally:
        await first.close()
        await second.close()


async def test_a_crashed_claim_is_taken_again_after_it_expires(store, clock):
    adapter = FakePlatform()
    await enqueue(store, clock)
    async with store.transaction() as tx:               # another process claimed it, then died
        claimed = await tx.outbox.claim_due(clock(), 10, "dead-process", claim_seconds=60)
    assert len(claimed) == 1
    w = worker(store, clock, adapter)
    await w.drain()
    assert adapter.sent == []
    clock.advance(seconds=61)
    await w.drain()
    assert adapter.sent == [("c1", "hello 0")]
