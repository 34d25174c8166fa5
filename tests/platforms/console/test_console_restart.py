"""The console demo across a restart, and with chats nobody bound (issue 13, item 3).

The database remembers where each card was posted (the console's message id); the console's
history does not survive a restart. Message ids of one run are never those of another, so an
update meant for a card of the last run (the ticket card in the project team's group) cannot
replace whatever the new run posted under the same number (the digest in the customer group).
And the console keeps history for a bounded number of chats, however many made-up chat ids
are written to."""
from __future__ import annotations

import uuid

from bot import keys
from bot.app import create_app
from bot.console.hub import ConsoleHub
from handlers.progress.jobs import scan_digests
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver, field

SITE, OWNER = "p001-site", "p001-owner"


async def test_an_update_after_a_restart_never_lands_on_another_message(db_url, clock, aiohttp_client):
    # Every project sends its digest tonight, busy or not: the new run posts many messages.
    settings = make_settings(db_url, progress={"send_when_idle": True})
    first = ConsoleDriver(await aiohttp_client(create_app(settings, clock=clock, demo=True, run_worker=False)))
    await first.say("u-li", SITE, "报修 5号楼3层卫生间渗水，比较急")
    card = await first.last_bot(SITE)
    old_ids = {m["id"] for chat in (SITE, "dm") for m in await first.history(chat, "u-zhao")}
    await first.client.close()                                    # the restart

    clock.advance(hours=4)                                        # 18:00: the digests
    second = ConsoleDriver(await aiohttp_client(create_app(settings, clock=clock, demo=True, run_worker=False)))
    await scan_digests(second.app[keys.JOBS])
    await second.deliver()
    hub = second.app[keys.HUB]
    digests = [m for chat in (OWNER, "p002-owner", "dm:u-liu", "dm:u-he") for m in hub.history(chat)]
    assert len(digests) >= 4 and all(m.body["title"].startswith("今日进展") for m in digests)
    assert not old_ids & {m.id for m in digests}                   # this run's ids are its own

    # 赵质检 accepts from the ticket card of the last run (still on his screen).
    out = await second.click("u-zhao", SITE, card["id"], "ticket.accept", {"ticket": 1})
    assert out["toast"]["text"] == "已接单"
    for message in digests:                                       # untouched, every one
        assert message.version == 1 and message.body["title"].startswith("今日进展"), message.chat_id
    # The new run shows the ticket's state when asked; the old card is simply not updated.
    await second.say("u-zhao", SITE, "工单 T-1")
    assert field((await second.bot_messages(SITE))[-2]["body"], "状态") == "处理中"


async def test_the_console_keeps_history_for_a_bounded_number_of_chats(console):
    hub = console.app[keys.HUB]
    hub.max_chats = 20                                            # small, for the test
    await console.say("u-li", SITE, "帮助")
    for n in range(40):                                           # chats nobody bound
        await console.say("u-li", f"made-up-{n}-{uuid.uuid4().hex[:6]}", "你好", deliver=False)
    await console.deliver()
    assert hub.chats() <= 20
    assert await console.history(SITE) == []                      # written to least recently: forgotten
    await console.say("u-li", SITE, "帮助")                        # and back when used again
    assert len(await console.history(SITE)) == 2


def test_subscribers_of_made_up_chats_leave_nothing_behind():
    hub = ConsoleHub()
    queues = [(f"nobody-{n}", hub.subscribe(f"nobody-{n}")) for n in range(100)]
    for chat, queue in queues:
        hub.unsubscribe(chat, queue)
    assert hub._subscribers == {}
    first, second = ConsoleHub(), ConsoleHub()                    # two runs
    assert first.post("c", "u", "u", {}).id != second.post("c", "u", "u", {}).id
