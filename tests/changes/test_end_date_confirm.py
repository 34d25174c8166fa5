"""同意 on a change that moves the project's end date asks first (issue 16): old → new end
date, 确认同意 / 取消; nothing is decided until 确认同意, 取消 leaves the change waiting, a second
press changes nothing, an end moved meanwhile is asked again. Over the console's HTTP and
through Feishu (signed, encrypted callbacks; the approver's card in a direct chat)."""
from __future__ import annotations

from datetime import timedelta

from bot import keys
from domain.store.models import Identity
from tests.changes.helpers import audit_actions
from tests.console_driver import card_text
from tests.platforms.feishu.conftest import SITE as FEISHU_SITE, fake, feishu  # noqa: F401
from tests.platforms.feishu.driver import buttons, card_texts

SITE = "p001-site"
SCHEDULE = "变更 工期调整 +15天 原因：甲方要求增加地下室防水"


async def project_end(app, code: str = "P-001"):  # noqa: ANN001, ANN201
    async with app[keys.STORE].transaction() as tx:
        return (await tx.projects.by_code(code)).planned_end_date


async def test_cancel_leaves_it_waiting_and_typed_approve_asks_too(console):
    end = await project_end(console.app)
    await console.say("u-chen", SITE, SCHEDULE)
    await console.say("u-zhou", "dm", "同意 C-1")
    ask = await console.last_bot("dm", "u-zhou")
    assert ask["body"]["title"] == "确认同意 C-1？"
    assert f"从 **{end}** 改为 **{end + timedelta(days=15)}**（+15 天）" in card_text(ask["body"])
    out = await console.press("u-guo", "dm", ask, "确认同意")                 # not the approver's
    assert out["toast"]["text"] == "无权限：只有点「同意」的审批人可以确认"
    out = await console.press("u-zhou", "dm", ask, "取消")
    assert out["toast"]["text"] == "已取消，C-1 仍在等待审批"
    out = await console.press("u-zhou", "dm", ask, "确认同意")                # after 取消: nothing
    assert out["toast"]["text"] == "这个确认已经处理过了"
    assert await audit_actions(console.app) == ["change.raise"]
    assert await project_end(console.app) == end


async def test_an_end_moved_meanwhile_is_asked_again(console):
    end = await project_end(console.app)
    await console.say("u-chen", SITE, SCHEDULE)
    await console.say("u-chen", SITE, "变更 工期调整 +5天 原因：雨季")
    await console.say("u-zhou", "dm", "同意 C-1")
    first = await console.last_bot("dm", "u-zhou")
    await console.say("u-zhou", "dm", "同意 C-2")
    await console.press("u-zhou", "dm", await console.last_bot("dm", "u-zhou"), "确认同意")
    assert await project_end(console.app) == end + timedelta(days=5)
    out = await console.press("u-zhou", "dm", first, "确认同意")             # shown before C-2 moved it
    assert out["toast"]["text"] == "竣工日期刚刚变过，请按新的日期再确认"
    again = await console.last_bot("dm", "u-zhou")
    assert (f"从 **{end + timedelta(days=5)}** 改为 **{end + timedelta(days=20)}**"
            in card_text(again["body"]))
    assert await project_end(console.app) == end + timedelta(days=5)          # C-1 not decided yet
    await console.press("u-zhou", "dm", again, "确认同意")
    assert await project_end(console.app) == end + timedelta(days=20)


async def test_a_change_without_days_is_approved_at_once(console):
    await console.say("u-chen", SITE, "变更 预算增补 +30000 原因：地下室防水加做一道卷材")
    await console.say("u-zhou", "dm", "同意 C-1")
    assert await console.last_text("dm", "u-zhou") == "已同意 C-1"


async def test_feishu_approver_confirms_on_the_card(feishu, clock):  # noqa: F811
    feishu.fake.chats |= {"oc_dm_zhou"}
    async with feishu.app[keys.STORE].transaction() as tx:
        zhou = (await tx.people.by_name("周主管"))[0]
        tx.add(Identity(person_id=zhou.id, platform="feishu", external_id="ou_zhou",
                        alt_ids={}, display_name="周主管", created_at=clock()))
    end = await project_end(feishu.app)
    await feishu.say("ou_chen", FEISHU_SITE, SCHEDULE)
    [card] = feishu.cards("ou_zhou")
    answer = await feishu.click("ou_zhou", "oc_dm_zhou", card.message_id, buttons(card.body)["同意"])
    assert answer["toast"]["content"] == "请先确认竣工日期的变化"
    ask = feishu.cards("oc_dm_zhou")[-1]
    assert f"从 **{end}** 改为 **{end + timedelta(days=15)}**" in card_texts(ask.body)
    assert await project_end(feishu.app) == end
    answer = await feishu.click("ou_zhou", "oc_dm_zhou", ask.message_id, buttons(ask.body)["确认同意"])
    assert answer["toast"]["content"] == "已同意 C-1"
    assert await project_end(feishu.app) == end + timedelta(days=15)
    again = await feishu.click("ou_zhou", "oc_dm_zhou", ask.message_id, buttons(ask.body)["确认同意"])
    assert again["toast"]["content"] == "这个确认已经处理过了"
