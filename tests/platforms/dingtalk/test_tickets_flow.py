"""The ticket flow through DingTalk payloads, with the fallback card mechanism (no card
template): report -> card in the group (sessionWebhook) and to the assignee (OpenAPI);
accept by pressing the button -> the new state as a short line everywhere; someone else ->
无权限, to them alone."""
from __future__ import annotations

from bot import keys

REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def test_report_gives_a_card_with_buttons_in_the_group_and_to_the_assignee(dingtalk):
    await dingtalk.say("li01", REPORT)
    card = dingtalk.last_group()
    assert card["via"] == "session" and card["kind"] == "actionCard"
    assert "工单 T-1 · 5号楼3层卫生间渗水" in card["text"]
    assert "**负责人**：赵质检" in card["text"] and "待接单" in card["text"]
    assert list(card["buttons"])[:3] == ["接单", "转派", "已解决"]
    assert all(url.startswith("dtmd://dingtalkclient/sendMessage?content=")
               for url in card["buttons"].values())
    direct = dingtalk.fake.messages_for("zhao01")
    assert len(direct) == 1 and direct[0]["via"] == "openapi"
    assert direct[0]["kind"] == "sampleMarkdown" and "工单 T-1" in direct[0]["text"]
    assert {"接单", "转派", "已解决"} <= set(direct[0]["buttons"])


async def test_accept_by_the_assignee_posts_the_new_state_everywhere(dingtalk):
    await dingtalk.say("li01", REPORT)
    card = dingtalk.last_group()
    await dingtalk.press("zhao01", card, "接单")
    # Robot messages cannot be edited: the new state is one short line with its buttons (the
    # line says who accepted, so no "赵质检：已接单" besides it); issue 16.
    [line] = dingtalk.group_messages()[1:]
    assert "处理中 · 赵质检 · 14:00" in line["text"] and "**负责人**" not in line["text"]
    assert "接单" not in line["buttons"] and "已解决" in line["buttons"]
    new_direct = dingtalk.fake.messages_for("zhao01")[-1]
    assert "处理中 · 赵质检 · 14:00" in new_direct["text"]


async def test_someone_else_pressing_gets_no_permission_and_nothing_changes(dingtalk):
    await dingtalk.say("li01", REPORT)
    card = dingtalk.last_group()
    before = len(dingtalk.group_messages())
    for staff in ("li01", "wang01", "liu01"):
        await dingtalk.press(staff, card, "接单")
        # to the presser alone, as a toast would be (issue 16), saying who can
        assert dingtalk.fake.messages_for(staff)[-1]["text"].startswith("无权限")
    assert dingtalk.group_messages()[before:] == []   # nothing in the group, no redraw


async def test_a_stranger_is_not_anyone(dingtalk):
    await dingtalk.say("nobody99", REPORT)
    assert "还不是 sitebot 的登记成员" in dingtalk.last_group()["text"]


async def test_a_typed_up_button_command_is_not_a_click(dingtalk):
    await dingtalk.say("li01", REPORT)
    card = dingtalk.last_group()
    genuine = card["buttons"]["接单"]
    forged = genuine[:-6] + "000000"       # the same command with a made-up mac
    await dingtalk.press("zhao01", {"buttons": {"接单": forged}}, "接单")
    assert "已接单" not in dingtalk.last_group()["text"]
    assert await ticket_status(dingtalk, 1) == "open"
    await dingtalk.press("zhao01", card, "接单")
    assert await ticket_status(dingtalk, 1) == "in_progress"


async def test_same_msg_id_within_the_hour_has_one_effect(dingtalk):
    body = dingtalk.payload("li01", REPORT, msg_id="msgREPLAY1")
    for _ in range(3):
        response = await dingtalk.post(body)
        assert response.status == 200
    await dingtalk.deliver()
    cards = [m for m in dingtalk.group_messages() if m["kind"] == "actionCard"]
    assert len(cards) == 1
    press = dingtalk.payload("zhao01", "x", msg_id="msgPRESS1")
    press["text"]["content"] = " " + _command(card=cards[0], label="接单")
    for _ in range(2):
        assert (await dingtalk.post(press)).status == 200
    await dingtalk.deliver()
    assert sum("处理中 · 赵质检" in m["text"] for m in dingtalk.group_messages()) == 1


async def test_one_to_one_chat_replies_go_to_that_person(dingtalk):
    await dingtalk.say("zhao01", "我的工单", chat="cidSingleZhao==", group=False, session=False)
    replies = dingtalk.fake.messages_for("zhao01")
    assert replies and "没有未完成的工单" in replies[-1]["text"]


async def ticket_status(dingtalk, ticket_id: int) -> str:  # noqa: ANN001
    async with dingtalk.app[keys.STORE].transaction() as tx:
        return (await tx.tickets.get(ticket_id)).status


def _command(card: dict, label: str) -> str:
    from urllib.parse import unquote
    return unquote(card["buttons"][label].split("content=", 1)[1])
