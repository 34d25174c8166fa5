"""The 监理 (supervisor) role (issue 17: the acceptance card goes to "the project's 监理 and the
customer contact"): the project manager makes someone the project's 监理 in chat, the way every
project role is given (`成员 添加 @张监理 P-001 监理`, a Feishu @-mention of someone sitebot has not
met); the acceptance card then goes to the 监理 and the owner's contacts, either decides, anyone
else gets 无权限; the 监理 is on the customer's side (does not ask for acceptance, and 帮助 shows
them what the customer's side uses)."""
from __future__ import annotations

from bot import keys
from domain.enums import Role
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts, message_event
from tests.site.test_acceptance_feishu import ASK, _audit, _say, _texts

ZHANG, DM_ZHANG, DM_LIU = "ou_zhangjl", "oc_dm_zhangjl", "oc_dm_liu"


async def _make_supervisor(feishu) -> None:  # noqa: ANN001
    """陈经理 (P-001's manager) @-mentions 张监理, whom sitebot has not met yet."""
    feishu.clock.advance(seconds=3)
    event = message_event("ou_chen", SITE, {"text": "@_user_1 成员 添加 @_user_2 P-001 监理"},
                          mentions=[("@_user_1", "ou_bot", "sitebot"), ("@_user_2", ZHANG, "张监理")])
    feishu.fake.receive(event["event"]["message"]["message_id"], SITE, "ou_chen")
    assert (await feishu.post(event)).status == 200
    await feishu.deliver()
    feishu.fake.chats |= {DM_ZHANG, DM_LIU}


async def test_the_supervisor_added_in_chat_gets_the_card_and_decides(feishu):
    await _make_supervisor(feishu)
    assert _texts(feishu, SITE)[-1] == "已把 张监理 加入 P-001，角色：监理。"
    async with feishu.app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        zhang = (await tx.people.by_name("张监理"))[0]
        assert await tx.projects.roles_of(zhang.id, project.id) == {Role.SUPERVISOR}
    await _say(feishu, "ou_li", SITE, ASK)
    # The 监理 first, then the owner's contacts (the demo's 刘总 and 何监理, who is kept as one).
    assert _texts(feishu, SITE)[-1] == "已发起验收 YS-1，已发给 张监理、刘总（业主）、何监理 确认"
    [to_zhang], [to_liu] = feishu.cards(ZHANG), feishu.cards("ou_liu")
    assert set(buttons(to_zhang.body)) == {"通过", "不通过"}
    feishu.clock.advance(seconds=3)   # the engineer may not sign it off: told who may
    refused = await feishu.click("ou_wang", SITE, to_zhang.message_id, buttons(to_zhang.body)["通过"])
    assert refused["toast"]["content"] == (
        "无权限：只有本项目的监理/业主联系人（张监理、刘总（业主）、何监理）可以确认验收")
    feishu.clock.advance(seconds=3)
    answer = await feishu.click(ZHANG, DM_ZHANG, to_zhang.message_id, buttons(to_zhang.body)["通过"])
    assert answer["toast"] == {"type": "success", "content": "验收单 YS-1：通过"}
    assert "✅ **通过** · 张监理" in card_texts(to_liu.body)              # the owner's copy redrawn
    async with feishu.app[keys.STORE].transaction() as tx:
        record = await tx.site.acceptance(1)
    assert (record.status, record.decided_by_id) == ("passed", zhang.id)
    assert await _audit(feishu) == ["acceptance.requested", "acceptance.passed"]


async def test_the_owners_contact_may_decide_instead_and_the_supervisor_does_not_ask(feishu):
    await _make_supervisor(feishu)
    await _say(feishu, "ou_li", SITE, ASK)
    await _say(feishu, "ou_liu", DM_LIU, "验收 不通过 YS-1 保护层不足")        # either may decide
    async with feishu.app[keys.STORE].transaction() as tx:
        record = await tx.site.acceptance(1)
    assert (record.status, record.reason) == ("failed", "保护层不足")
    [to_zhang] = feishu.cards(ZHANG)
    feishu.clock.advance(seconds=3)
    assert buttons(to_zhang.body) == {}                                   # redrawn: decided
    late = await feishu.click(ZHANG, DM_ZHANG, to_zhang.message_id,       # a press sent before that
                              {"action": "site.accept_pass", "value": {"record": 1}})
    assert late["toast"]["content"] == "验收单 YS-1 已经确认过了"
    # The 监理 is the customer's side: signs off, does not ask; 帮助 lists what that side uses.
    await _say(feishu, ZHANG, SITE, "验收 隐蔽工程 6层顶板钢筋 绑扎间距150")
    assert _texts(feishu, SITE)[-1] == "无权限：验收由施工方发起，监理/业主确认"
    await _say(feishu, ZHANG, DM_ZHANG, "帮助")
    help_text = _texts(feishu, DM_ZHANG)[-1]
    assert "验收" in help_text and "监理和业主确认" in help_text and "巡检" not in help_text
    async with feishu.app[keys.STORE].transaction() as tx:
        assert await tx.site.acceptance(2) is None


async def test_without_a_supervisor_or_owner_contact_nobody_can_be_asked(feishu):
    for name in ("刘总（业主）", "何监理"):
        await _say(feishu, "ou_chen", SITE, f"成员 移除 {name} P-001")
    await _say(feishu, "ou_li", SITE, ASK)
    assert _texts(feishu, SITE)[-1] == (
        "P-001 没有监理或业主联系人，无法发起验收。请项目经理先添加：成员 添加 @某人 P-001 监理")
    async with feishu.app[keys.STORE].transaction() as tx:
        assert await tx.site.acceptance(1) is None
