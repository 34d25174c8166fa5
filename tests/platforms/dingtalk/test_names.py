"""People @-mentioned on DingTalk (atUsers carry a staffId, no name) are shown by their real name,
asked of DingTalk's server API (topapi/v2/user/get); someone sitebot knew only by their staffId
takes their name from their own messages' senderNick — cards never read "ding_pm · 项目经理"."""
from __future__ import annotations

import pytest

from bot import keys
from domain.people import ensure_person
from tests.platforms.dingtalk.conftest import start


@pytest.fixture
async def dingtalk(db_url, clock, aiohttp_client, fake_dingtalk):  # noqa: ANN001, ANN201
    return await start(db_url, clock, aiohttp_client, fake_dingtalk, oapi_url=fake_dingtalk.base_url)


async def person_named(dingtalk, staff: str) -> str:
    async with dingtalk.app[keys.STORE].transaction() as tx:
        return (await tx.people.by_identity("dingtalk", staff)).name


async def test_an_at_mentioned_staff_id_is_added_with_their_name(dingtalk, fake_dingtalk):
    fake_dingtalk.contacts["ding_pm"] = "周经理"
    body = dingtalk.payload("chen01", "成员 添加 @周经理 P-001 项目经理")
    body["atUsers"] = [{"dingtalkId": "$:LWCP_v1:$robotXXXXXXXXXXXXXXXXX"},
                       {"dingtalkId": "$:LWCP_v1:$pm", "staffId": "ding_pm"}]
    response = await dingtalk.post(body)
    assert response.status == 200
    await dingtalk.deliver()
    assert await person_named(dingtalk, "ding_pm") == "周经理"
    assert "ding_pm" not in dingtalk.last_group()["text"] and "周经理" in dingtalk.last_group()["text"]
    assert fake_dingtalk.user_lookups == ["ding_pm"]


async def test_someone_known_by_staff_id_takes_their_sender_nick(dingtalk, fake_dingtalk, clock):
    async with dingtalk.app[keys.STORE].transaction() as tx:
        await ensure_person(tx, "dingtalk", "ding_head", "ding_head", clock())
    body = dingtalk.payload("ding_head", "我的工单")
    body["senderNick"] = "郑主管"
    await dingtalk.post(body)
    assert await person_named(dingtalk, "ding_head") == "郑主管"
    assert fake_dingtalk.user_lookups == []            # the nick said it: nothing asked
