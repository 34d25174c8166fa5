"""A sender that starts after another (a restart, a replica taking the delivery lease over) does
not start with empty rate windows (issue 19): it first reads from the outbox what was sent
within the platform's windows, so the two together stay within Feishu's limits. Two workers on
one real database, the real Feishu adapter and client, the fake Feishu counting arrivals on
the test's fixed clock (and refusing what is over, as Feishu does)."""
from __future__ import annotations

import pytest

from bot.delivery.worker import DeliveryWorker
from bot.feishu.adapter import FeishuAdapter
from bot.feishu.api import FeishuApi
from bot.feishu.config import FeishuConfig
from bot.settings import DeliverySettings
from domain.store.repos.outbox import PENDING, SENT
from handlers.chat.contract import Text
from tests.platforms.feishu.driver import APP_ID, APP_SECRET
from tests.platforms.feishu.fake_open_platform import FakeFeishu

BUSY = "oc_busy"


@pytest.fixture
async def fake(clock):  # noqa: ANN001, ANN201
    fake = FakeFeishu(APP_ID, APP_SECRET, clock=clock)   # keeps Feishu's sending limits
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def senders(store, clock, fake):  # noqa: ANN001, ANN201
    """Makes delivery workers as separate processes would have them: each its own adapter,
    client and windows, all on one database."""
    made: list[FeishuApi] = []

    def sender() -> DeliveryWorker:
        api = FeishuApi(FeishuConfig(app_id=APP_ID, app_secret=APP_SECRET, verification_token="v",
                                     base_url=fake.base_url))
        made.append(api)
        return DeliveryWorker(store, {"feishu": FeishuAdapter(api)}, DeliverySettings(batch_size=200), clock)

    yield sender
    for api in made:
        await api.close()


async def enqueue(store, clock, chats: list[str], tag: str) -> None:  # noqa: ANN001
    """Live cards (a ticket's): they go as soon as the windows allow, not paced over the second,
    so the windows alone keep them within the limits."""
    fake_chats = [{"key": f"{tag}:{n}", "platform": "feishu", "target_type": "chat", "target_id": chat,
                   "card_key": f"ticket:{tag}{n}", "payload": Text(f"{tag} {n}").to_payload()}
                  for n, chat in enumerate(chats)]
    async with store.transaction() as tx:
        await tx.outbox.enqueue_many(fake_chats, clock())


async def count(store, status: str) -> int:  # noqa: ANN001
    async with store.transaction() as tx:
        return len(await tx.outbox.by_status(status, limit=10_000))


async def sent_by_fake(fake: FakeFeishu, chat: str | None = None) -> int:
    return sum(1 for m in fake.messages.values() if m.sender == "bot" and chat in (None, m.receive_id))


async def test_a_sender_that_starts_after_another_keeps_within_the_limits_with_it(store, clock, fake, senders):  # noqa: ANN001
    for chat in [BUSY, *(f"oc_{n}" for n in range(60))]:
        fake.chats.add(chat)
    # The first sender: 45 messages this second, five of them to one chat (its 5 a second).
    await enqueue(store, clock, [BUSY] * 5 + [f"oc_{n}" for n in range(40)], "first")
    await senders().drain()
    assert await sent_by_fake(fake) == 45 and await count(store, SENT) == 45

    # 0.3 s later another sender starts (the first died, or lost its lease) with 22 more: two
    # for the busy chat, twenty for others. Feishu still counts the first 45 this second.
    clock.advance(seconds=0.3)
    await enqueue(store, clock, [BUSY] * 2 + [f"oc_{n}" for n in range(40, 60)], "second")
    second = senders()
    await second.drain()
    assert fake.limited == []                              # Feishu refused nothing
    assert await sent_by_fake(fake) == 50                  # the app's 50 this second, no more
    assert await sent_by_fake(fake, BUSY) == 5             # the busy chat waits for its second
    assert await count(store, PENDING) == 17               # the rest waits, due when it fits

    clock.advance(seconds=1)                               # a second after the first 45 answers
    await second.drain()
    assert fake.limited == [] and await count(store, PENDING) == 0
    assert await sent_by_fake(fake) == 67 and await sent_by_fake(fake, BUSY) == 7


async def test_rows_another_sender_is_sending_count_as_sent_now(store, clock, fake, senders):  # noqa: ANN001
    """A sender killed mid-pass leaves its rows claimed (`sending`): what of them reached the
    platform is unknown, so the next sender counts them all until their claims run out."""
    for n in range(60):
        fake.chats.add(f"oc_{n}")
    await enqueue(store, clock, [f"oc_{n}" for n in range(48)], "killed")
    async with store.transaction() as tx:
        claimed = await tx.outbox.claim_due(clock(), 48, "a-killed-sender", 60)
    assert len(claimed) == 48
    await enqueue(store, clock, [f"oc_{n}" for n in range(48, 58)], "next")
    await senders().drain()
    assert await sent_by_fake(fake) == 2 and fake.limited == []   # 48 + 2: the app's 50
    assert await count(store, PENDING) == 8
