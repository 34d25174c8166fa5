"""绑定 of a chat already bound to another project asks first (issue 16): the card's 确认 or a
typed 确认 moves it, 取消 leaves it; nothing changes until then; a second answer changes
nothing. Through the console over HTTP, Feishu (signed, encrypted callbacks; the card's
button) and DingTalk (the typed 确认 in the group)."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from domain.store.models.confirmations import ChatConfirmation
from tests.console_driver import card_text
from tests.platforms.dingtalk.conftest import dingtalk, fake_dingtalk  # noqa: F401 - the fixtures
from tests.platforms.dingtalk.driver import GROUP
from tests.platforms.feishu.conftest import SITE as FEISHU_SITE, fake, feishu  # noqa: F401
from tests.platforms.feishu.driver import buttons, card_texts

SITE = "p001-site"


async def bound_to(app, platform: str, chat: str) -> str | None:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        binding = await tx.projects.binding(platform, chat)
        return (await tx.projects.get(binding.project_id)).code if binding else None


async def questions(app) -> int:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(ChatConfirmation))


async def test_console_asks_then_cancel_and_typed_confirm(console):
    await console.say("u-chen", SITE, "绑定 P-003")
    ask = await console.last_bot(SITE)
    text = card_text(ask["body"])
    assert ask["body"]["title"] == "改绑本群？"
    assert "本群已绑定到 **P-001 滨江花园 5 号楼**（内部群）" in text and "**P-003 " in text
    assert [a["label"] for a in ask["body"]["actions"]] == ["确认", "取消"]
    assert await bound_to(console.app, "console", SITE) == "P-001"          # nothing moved yet
    out = await console.press("u-chen", SITE, ask, "取消")
    assert out["toast"]["text"] == "已取消，本群的绑定没有改动"
    out = await console.press("u-chen", SITE, ask, "确认")                   # after 取消: nothing
    assert out["toast"]["text"] == "已经取消过了，本群的绑定没有改动"
    assert await bound_to(console.app, "console", SITE) == "P-001"
    await console.say("u-chen", SITE, "确认")                               # nothing is asked now
    assert await console.last_text(SITE) == "现在没有需要您确认的操作。"

    await console.say("u-chen", SITE, "绑定 P-003")
    ask = await console.last_bot(SITE)
    out = await console.press("u-li", SITE, ask, "确认")                     # not the asker
    assert out["toast"]["text"] == "无权限：只有发出「绑定」的人可以确认"
    await console.say("u-li", SITE, "确认")                                 # li was asked nothing
    assert await bound_to(console.app, "console", SITE) == "P-001"
    await console.say("u-chen", SITE, "确认")
    assert "本群已绑定到 P-003" in await console.last_text(SITE)
    assert await bound_to(console.app, "console", SITE) == "P-003"
    out = await console.press("u-chen", SITE, ask, "确认")                   # a second answer
    assert out["toast"]["text"] == "已经确认过了，本群已改绑"
    assert await bound_to(console.app, "console", SITE) == "P-003"


async def test_console_refusals_ask_nothing(console):
    await console.say("u-li", SITE, "绑定 P-003")                           # no right on P-003
    assert (await console.last_text(SITE)).startswith("无权限")
    await console.say("u-chen", SITE, "绑定 P-001")                         # the same project: at once
    assert "本群已绑定到 P-001" in await console.last_text(SITE)
    await console.say("u-chen", SITE, "绑定 P-999")
    assert "没有项目 P-999" in await console.last_text(SITE)
    assert await questions(console.app) == 0
    assert await bound_to(console.app, "console", SITE) == "P-001"


async def test_feishu_card_button_moves_the_group_once(feishu):  # noqa: F811
    await feishu.say("ou_chen", FEISHU_SITE, "绑定 P-003")
    ask = feishu.cards(FEISHU_SITE)[-1]
    assert "改绑本群？" in card_texts(ask.body) and "P-003" in card_texts(ask.body)
    assert await bound_to(feishu.app, "feishu", FEISHU_SITE) == "P-001"
    answer = await feishu.click("ou_chen", FEISHU_SITE, ask.message_id, buttons(ask.body)["确认"])
    assert answer["toast"] == {"type": "success", "content": "已改绑到 P-003"}
    assert await bound_to(feishu.app, "feishu", FEISHU_SITE) == "P-003"
    again = await feishu.click("ou_chen", FEISHU_SITE, ask.message_id, buttons(ask.body)["确认"])
    assert again["toast"]["content"] == "已经确认过了，本群已改绑"
    done = [m.body["text"] for m in feishu.fake.sent(FEISHU_SITE) if m.msg_type == "text"]
    assert sum("本群已绑定到 P-003" in t for t in done) == 1


async def test_dingtalk_typed_confirm_in_the_group(dingtalk):  # noqa: F811
    await dingtalk.say("chen01", "绑定 P-003")
    ask = dingtalk.last_group()
    assert "改绑本群" in ask["text"] and set(ask["buttons"]) == {"确认", "取消"}
    assert await bound_to(dingtalk.app, "dingtalk", GROUP) == "P-001"
    await dingtalk.say("chen01", "确认")
    assert "本群已绑定到 P-003" in dingtalk.last_group()["text"]
    assert await bound_to(dingtalk.app, "dingtalk", GROUP) == "P-003"
    await dingtalk.press("chen01", ask, "确认")                              # the old button after
    assert await bound_to(dingtalk.app, "dingtalk", GROUP) == "P-003"
