"""The press test's site, made the way a contractor makes it: the real app on an EMPTY
database, its Feishu edge pointed at a fake open platform; the admin named in the
configuration (`[access] admins`) creates P-001, binds the site group and adds its team there,
each by a signed, encrypted Feishu message @-ing the bot."""
from __future__ import annotations

import json

import pytest

from bot.app import create_app
from tests.conftest import make_settings
from tests.platforms.feishu.conftest import SITE, fake  # noqa: F401
from tests.platforms.feishu.driver import (APP_ID, APP_SECRET, BOT, ENCRYPT_KEY, VTOKEN, FeishuDriver,
                                           message_event)

ADMIN, ADMIN_DM = "ou_admin", "oc_admin_dm"
TEAM = {"ou_li": ("李工长", "施工员"), "ou_zhao": ("赵质检", "质检员")}


async def said(feishu: FeishuDriver, sender: str, chat: str, text: str,
               people: list[tuple[str, str]] = (), chat_type: str = "group") -> str:
    """`@sitebot <text>` in `chat`, `@_user_2…` standing for `people` (open_id, name), as Feishu
    writes mentions; returns the bot's answer to it (its reply's text)."""
    mentions = [("@_user_1", BOT, "sitebot")] + [(f"@_user_{n}", open_id, name)
                                                  for n, (open_id, name) in enumerate(people, 2)]
    event = message_event(sender, chat, {"text": f"@_user_1 {text}"}, mentions=mentions, chat_type=chat_type)
    message_id = event["event"]["message"]["message_id"]
    feishu.fake.receive(message_id, chat, sender)
    response = await feishu.post(event)
    assert response.status == 200, await response.text()
    await feishu.deliver()
    return "\n".join(json.dumps(m.body, ensure_ascii=False) for m in feishu.fake.messages.values()
                     if m.sender == "bot" and m.parent_id == message_id)


@pytest.fixture
async def feishu(db_url, fake, clock, aiohttp_client) -> FeishuDriver:  # noqa: F811
    section = {"app_id": APP_ID, "app_secret": APP_SECRET, "verification_token": VTOKEN,
               "encrypt_key": ENCRYPT_KEY, "base_url": fake.base_url}
    settings = make_settings(db_url, feishu=section, access={"admins": [f"feishu:{ADMIN}"]})
    app = create_app(settings, clock=clock, demo=False, run_worker=False)
    driver = FeishuDriver(await aiohttp_client(app), fake, clock)
    fake.chats.add(ADMIN_DM)
    assert "P-001" in await said(driver, ADMIN, ADMIN_DM, "项目 新建 滨江花园5号楼", chat_type="p2p")
    assert "已绑定到 P-001" in await said(driver, ADMIN, SITE, "绑定 P-001")
    for open_id, (name, role) in TEAM.items():
        answer = await said(driver, ADMIN, SITE, f"成员 添加 @_user_2 {role}", [(open_id, name)])
        assert f"已把 {name} 加入 P-001" in answer, answer
    return driver
