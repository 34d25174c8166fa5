"""Project groups on WeCom: `建群 P-001 [客户]` sent to the app makes an appchat group of the
project's people on WeCom and binds it; cards reach the group as markdown."""
from __future__ import annotations

from bot import keys
from handlers.chat.cards import Button, Card, Field, Fields, Note, Progress
from tests.platforms.wecom.conftest import deliver


def texts_to(fake, user: str) -> list[str]:  # noqa: ANN001
    return [b["text"]["content"] for b in fake.sent() if b["touser"] == user and b["msgtype"] == "text"]


async def test_project_manager_creates_and_binds_the_team_group(wecom, fake_wecom, wecom_app):
    await wecom.text("ChenJingLi", "建群 P-001")
    [created] = fake_wecom.sent("appchat/create")
    assert created["owner"] == "ChenJingLi" and created["name"] == "P-001 滨江花园 5 号楼 项目部群"
    # staff on WeCom; 刘总 (业主) is a customer contact, so not in the team group
    assert set(created["userlist"]) == {"ChenJingLi", "LiGongZhang", "WangGong", "ZhaoZhiJian",
                                        "SunAnQuan"}
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        binding = await tx.projects.binding("wecom", created["chatid"])
    assert binding is not None and binding.audience == "internal"
    await deliver(wecom_app)
    assert "已建群" in texts_to(fake_wecom, "ChenJingLi")[0]
    [welcome] = fake_wecom.sent("appchat/send")
    assert welcome["chatid"] == created["chatid"] and welcome["msgtype"] == "text"


async def test_customer_group_has_customer_contacts_and_the_manager(wecom, fake_wecom, wecom_app):
    await wecom.text("ChenJingLi", "建群 P-001 客户")
    [created] = fake_wecom.sent("appchat/create")
    assert set(created["userlist"]) == {"ChenJingLi", "LiuZong"}
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        assert (await tx.projects.binding("wecom", created["chatid"])).audience == "customer"


async def test_group_creation_is_refused_without_the_right_and_on_bad_input(wecom, fake_wecom,
                                                                            wecom_app):
    await wecom.text("LiGongZhang", "建群 P-001")       # a foreman may not bind chats
    await wecom.text("ChenJingLi", "建群 P-999")
    await wecom.text("ChenJingLi", "建群 P-001 随便")
    await wecom.text("Stranger", "建群 P-001")
    await deliver(wecom_app)
    assert fake_wecom.sent("appchat/create") == []
    assert texts_to(fake_wecom, "LiGongZhang") == ["无权限"]
    assert "P-999" in texts_to(fake_wecom, "ChenJingLi")[0]
    assert "建群 P-001 客户" in texts_to(fake_wecom, "ChenJingLi")[1]
    assert len(texts_to(fake_wecom, "Stranger")) == 1


async def test_repeated_command_creates_one_group(wecom, fake_wecom, wecom_app):
    xml = wecom.text_xml("ChenJingLi", "建群 P-001", msg_id=99)
    for _ in range(2):
        await wecom.post(xml)
    assert len(fake_wecom.sent("appchat/create")) == 1


async def test_cards_reach_the_group_as_markdown_and_changes_as_new_messages(wecom, fake_wecom,
                                                                           wecom_app, clock):
    await wecom.text("ChenJingLi", "建群 P-001")
    chatid = fake_wecom.sent("appchat/create")[0]["chatid"]
    card = Card("周进度", "green", (Fields((Field("项目", "P-001"),)), Progress("主体结构", 60),
                                    Note("更新于 14:00")),
                (Button("确认", "progress.ack", {"id": 1}),), card_key="progress:1")
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        await tx.outbox.enqueue(key="digest:1", platform="wecom", target_type="chat", target_id=chatid,
                                payload=card.to_payload(), now=clock(), card_key="progress:1")
    await deliver(wecom_app)
    sent = [b for b in fake_wecom.sent("appchat/send") if b["msgtype"] == "markdown"]
    [markdown] = sent
    content = markdown["markdown"]["content"]
    assert "**周进度**" in content and "项目：P-001" in content
    assert "主体结构 ▓▓▓▓▓▓░░░░ 60%" in content          # no progress bar in WeCom: text
    assert "单聊" in content                                # buttons: act in the 1:1 copy


async def test_unknown_group_fails_visibly(wecom, fake_wecom, wecom_app, clock):
    from domain.store.repos.outbox import FAILED
    from handlers.chat.contract import Text
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        await tx.outbox.enqueue(key="x", platform="wecom", target_type="chat", target_id="nosuchchat",
                                payload=Text("hi").to_payload(), now=clock())
    await deliver(wecom_app)
    async with wecom_app.server.app[keys.STORE].transaction() as tx:
        [row] = await tx.outbox.by_status(FAILED)
    assert "40050" in row.last_error


async def test_manager_adds_a_new_wecom_member_by_user_id(wecom, fake_wecom, wecom_app):
    await wecom.text("ChenJingLi", "成员 添加 @ZhangSan P-001 工程师")
    await deliver(wecom_app)
    assert texts_to(fake_wecom, "ChenJingLi") == ["已把 ZhangSan 加入 P-001，角色：工程师。"]
    await wecom.text("ZhangSan", "我是谁")                 # now known, with the role
    await deliver(wecom_app)
    assert "P-001" in texts_to(fake_wecom, "ZhangSan")[0]
