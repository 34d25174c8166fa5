"""People added on WeCom by their UserID (`成员 添加 @ZhangSan …`: a WeCom message names nobody)
are shown by their real name, asked of WeCom's contact API (user/get); someone sitebot knew
only by their UserID takes their name as soon as WeCom tells it."""
from __future__ import annotations

from bot import keys
from domain.people import ensure_person
from tests.platforms.wecom.conftest import deliver


def texts_to(fake, user: str) -> list[str]:  # noqa: ANN001
    return [b["text"]["content"] for b in fake.sent() if b["touser"] == user and b["msgtype"] == "text"]


async def person_named(client, user_id: str) -> str:  # noqa: ANN001
    async with client.server.app[keys.STORE].transaction() as tx:
        return (await tx.people.by_identity("wecom", user_id)).name


async def test_someone_added_by_user_id_gets_their_real_name(wecom, fake_wecom, wecom_app):
    fake_wecom.users["ZhangSan"] = "张三"
    await wecom.text("ChenJingLi", "成员 添加 @ZhangSan P-001 施工员")
    await deliver(wecom_app)
    assert await person_named(wecom_app, "ZhangSan") == "张三"
    said = texts_to(fake_wecom, "ChenJingLi")[-1]
    assert "张三" in said and "ZhangSan" not in said
    assert ("user/get", {"userid": "ZhangSan"}) in fake_wecom.calls


async def test_someone_known_only_by_their_id_takes_the_name_wecom_gives(wecom, fake_wecom, wecom_app, clock):
    async with wecom_app.server.app[keys.STORE].transaction() as tx:   # added before names were asked
        await ensure_person(tx, "wecom", "WuGong", "WuGong", clock())
    fake_wecom.users["WuGong"] = "吴工"
    await wecom.text("WuGong", "我的工单")
    assert await person_named(wecom_app, "WuGong") == "吴工"
    lookups = [c for c in fake_wecom.calls if c[0] == "user/get"]
    await wecom.text("WuGong", "我的工单")                         # asked once per process
    assert [c for c in fake_wecom.calls if c[0] == "user/get"] == lookups


async def test_an_unknown_user_id_or_a_failing_contact_api_leaves_the_id(wecom, fake_wecom, wecom_app):
    await wecom.text("ChenJingLi", "成员 添加 @NoSuchUser P-001 施工员")   # WeCom: 60111
    await deliver(wecom_app)
    assert await person_named(wecom_app, "NoSuchUser") == "NoSuchUser"
