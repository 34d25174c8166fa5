"""已解决 asks what was done (issue 16), over the console's HTTP: the resolver's next message or
photo in that chat is the note, `跳过` gives none, `解决 T-1 …` gives it inline; the reporter is
asked only then, and reads the note and photo count on the card before 确认解决; nothing said
in time → the job asks the reporter anyway, the card says no note was given. The timeline
records each step."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from bot import keys
from domain.store.models import TicketEvent
from domain.store.models.resolutions import TicketResolution
from handlers.tickets.resolution import expire_asks
from tests.console_driver import card_text
from tests.tickets.helpers import SITE, cards, report, texts


async def send(console, user: str, chat: str, text: str = "", attachments=()):  # noqa: ANN001, ANN201
    response = await console.client.post("/console/api/messages", json={
        "user": user, "chat": chat, "text": text, "attachments": list(attachments),
        "event_id": uuid.uuid4().hex})
    assert response.status == 200, await response.text()
    await console.deliver()


async def rows(console) -> list[TicketResolution]:  # noqa: ANN001
    async with console.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(TicketResolution).order_by(TicketResolution.id)))


async def kinds(console) -> list[str]:  # noqa: ANN001
    async with console.app[keys.STORE].transaction() as tx:
        return list(await tx.session.scalars(select(TicketEvent.kind).order_by(TicketEvent.id)))


async def test_photos_then_words_make_the_note_the_reporter_reads(console):
    card = await report(console)
    await console.press("u-zhao", SITE, card, "已解决")
    assert "赵质检，工单 T-1 已标记解决。做了什么？" in await console.last_text(SITE)
    await console.say("u-li", SITE, "辛苦了")                         # someone else: not the note
    assert await cards(console, "dm", "u-li") == []
    await send(console, "u-zhao", SITE, attachments=[{"kind": "image", "ref": "/media/fix1.jpg"},
                                                     {"kind": "image", "ref": "/media/fix2.jpg"}])
    assert "共 2 张）。再回复一句做了什么" in await console.last_text(SITE)
    assert await cards(console, "dm", "u-li") == []                  # photos alone: words may follow
    card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert "📝 处理说明：等待 赵质检 补充（已收到照片 2 张）" in card_text(card["body"])
    await console.say("u-zhao", SITE, "更换了防水层，闭水试验 24 小时无渗漏")   # the words follow
    await console.say("u-zhao", SITE, "明天再去看看")                  # the note is in: chatter again
    [ask] = await cards(console, "dm", "u-li")                       # asked once, with all of it
    text = card_text(ask["body"])
    assert "📝 处理说明：更换了防水层，闭水试验 24 小时无渗漏 · 照片 2 张" in text
    assert "明天再去看看" not in text
    assert (await texts(console, "dm", "u-li"))[-1].startswith("工单 T-1「")
    [row] = await rows(console)
    assert (row.state, row.photos, row.note) == ("given", 2, "更换了防水层，闭水试验 24 小时无渗漏")
    out = await console.press("u-li", "dm", ask, "确认解决")
    assert out["toast"]["text"] == "已确认解决，工单关闭"
    await console.say("u-li", SITE, "工单 T-1")
    timeline = await console.last_text(SITE)
    assert "赵质检 补充处理说明（照片 2 张）" in timeline
    assert "赵质检 补充处理说明：更换了防水层，闭水试验 24 小时无渗漏" in timeline


async def test_resolve_by_text_with_the_note_inline(console):
    await report(console)
    await console.say("u-zhao", SITE, "解决 T-1 更换了防水层")
    assert await console.last_text(SITE) == "已记下工单 T-1 的处理说明。"
    [ask] = await cards(console, "dm", "u-li")
    assert "📝 处理说明：更换了防水层" in card_text(ask["body"])
    assert [a["label"] for a in ask["body"]["actions"]] == ["确认解决", "未解决"]
    await console.say("u-zhao", SITE, "解决 T-1 再说一遍")                # resolved already
    assert await console.last_text(SITE) == "工单已是已解决状态"
    assert (await rows(console))[0].note == "更换了防水层"


async def test_photos_then_skip_send_the_photos_alone(console):
    card = await report(console)
    await console.press("u-zhao", SITE, card, "已解决")
    await send(console, "u-zhao", SITE, attachments=[{"kind": "image", "ref": "/media/fix1.jpg"}])
    await console.say("u-zhao", SITE, "跳过")
    assert await console.last_text(SITE) == "好的，工单 T-1 不填写处理说明，只附照片。"
    [ask] = await cards(console, "dm", "u-li")
    assert "📝 处理说明：（未写文字） · 照片 1 张" in card_text(ask["body"])
    await send(console, "u-zhao", SITE, attachments=[{"kind": "image", "ref": "/media/fix2.jpg"}])
    assert (await rows(console))[0].photos == 2                      # a late photo still joins


async def test_skip_and_a_text_resolve_without_a_note(console):
    await report(console)
    await console.say("u-zhao", "dm", "解决 T-1")
    assert "做了什么" in await console.last_text("dm", "u-zhao")
    await console.say("u-zhao", SITE, "跳过")                         # another chat: not the answer
    assert await cards(console, "dm", "u-li") == []
    await console.say("u-zhao", "dm", "跳过")
    assert await console.last_text("dm", "u-zhao") == "好的，工单 T-1 不填写处理说明。"
    [ask] = await cards(console, "dm", "u-li")
    assert "📝 没有填写处理说明（赵质检 选择跳过）" in card_text(ask["body"])
    assert "resolution_skipped" in await kinds(console)


async def test_nothing_said_in_time_asks_the_reporter_anyway(console, clock):
    card = await report(console)
    await console.press("u-zhao", SITE, card, "已解决")
    card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert "📝 处理说明：等待 赵质检 补充" in card_text(card["body"])
    runner = console.app[keys.JOBS]
    clock.advance(minutes=9)
    assert await expire_asks(runner) == 0
    clock.advance(minutes=2)
    await console.say("u-zhao", SITE, "更换了防水层")                  # too late: not taken
    assert await cards(console, "dm", "u-li") == []
    assert await expire_asks(runner) == 1
    assert await expire_asks(runner) == 0                            # once
    await console.deliver()
    [ask] = await cards(console, "dm", "u-li")
    assert "📝 没有填写处理说明" in card_text(ask["body"]) and "跳过" not in card_text(ask["body"])
    card = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert "📝 没有填写处理说明" in card_text(card["body"])
    assert (await rows(console))[0].state == "expired"
    assert "resolution_none" in await kinds(console)


async def test_bad_resolve_commands_write_nothing(console):
    await report(console)
    await console.say("u-zhao", SITE, "解决")
    assert await console.last_text(SITE) == "用法：解决 T-12 [处理说明]，例如：解决 T-12 更换了防水层"
    await console.say("u-zhao", SITE, "解决 T-99 修好了")
    assert await console.last_text(SITE) == "工单 T-99 不存在。"
    await console.say("u-wang", SITE, "解决 T-1 修好了")                # not the assignee
    assert (await console.last_text(SITE)).startswith("无权限：只有负责人 赵质检")
    assert await rows(console) == []
    assert "resolved" not in await kinds(console)
