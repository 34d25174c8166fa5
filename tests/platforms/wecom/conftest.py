"""The real app with the WeCom edge pointed at a fake WeCom server, demo people given WeCom
accounts, and a sender that encrypts and signs callbacks exactly as WeCom does."""
from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import pytest
from wechatpy.enterprise.crypto import WeChatCrypto

from bot import keys
from bot.app import create_app
from domain.store.models import Identity
from tests.conftest import make_settings
from tests.platforms.wecom.fake_wecom import CORP_ID, SECRET, FakeWeCom

# The official WXBizMsgCrypt sample's app (PLATFORMS.md 0.1), so its vectors hit this app.
TOKEN, AES_KEY, AGENT_ID = "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", 218

# console user id -> WeCom UserID for the demo people who use WeCom in these tests
WECOM_IDS = {"u-li": "LiGongZhang", "u-zhao": "ZhaoZhiJian", "u-sun": "SunAnQuan",
             "u-chen": "ChenJingLi", "u-wang": "WangGong", "u-liu": "LiuZong",
             "u-lin": "LinJingLi"}


class WeComSender:
    """Posts callbacks to /webhooks/wecom as WeCom would: encrypted, signed, in XML."""

    def __init__(self, client, clock) -> None:  # noqa: ANN001
        self.client, self.clock = client, clock
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
        self._ids = itertools.count(7000000000000000001)

    def envelope(self, plaintext: str, nonce: str = "1372623149") -> tuple[dict, bytes]:
        timestamp = str(int(self.clock().timestamp()))
        sealed = self.crypto.encrypt_message(plaintext, nonce, timestamp)
        parts = {tag: _between(sealed, tag) for tag in ("Encrypt", "MsgSignature")}
        query = {"msg_signature": parts["MsgSignature"], "timestamp": timestamp, "nonce": nonce}
        body = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA["
                f"{parts['Encrypt']}]]></Encrypt><AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>")
        return query, body.encode()

    async def post(self, plaintext: str, **kw: Any):  # noqa: ANN201
        query, body = self.envelope(plaintext, **kw)
        response = await self.client.post("/webhooks/wecom", params=query, data=body)
        await self.client.server.app[keys.INBOX].drain()   # as the background consumer would
        return response

    def text_xml(self, user: str, content: str, msg_id: int | None = None) -> str:
        return message_xml(user, "text", self.clock(), msg_id or next(self._ids),
                           f"<Content><![CDATA[{content}]]></Content>")

    async def text(self, user: str, content: str, msg_id: int | None = None):  # noqa: ANN201
        response = await self.post(self.text_xml(user, content, msg_id))
        assert response.status == 200 and await response.text() == ""
        return response

    def click_xml(self, user: str, task_id: str, key: str, response_code: str) -> str:
        return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
                f"</FromUserName><CreateTime>{int(self.clock().timestamp())}</CreateTime>"
                "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
                f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId>"
                "<CardType><![CDATA[button_interaction]]></CardType>"
                f"<ResponseCode><![CDATA[{response_code}]]></ResponseCode>"
                f"<AgentID>{AGENT_ID}</AgentID></xml>")


def message_xml(user: str, kind: str, when: datetime, msg_id: int, inner: str) -> str:
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{escape(user)}]]>"
            f"</FromUserName><CreateTime>{int(when.timestamp())}</CreateTime><MsgType><![CDATA[{kind}]]>"
            f"</MsgType>{inner}<MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


def _between(xml: str, tag: str) -> str:
    start = xml.index(f"<{tag}>") + len(tag) + 2
    value = xml[start:xml.index(f"</{tag}>")]
    return value.removeprefix("<![CDATA[").removesuffix("]]>")


def wecom_settings(db_url: str, base_url: str, **sections: Any):  # noqa: ANN201
    wecom = {"corp_id": CORP_ID, "agent_id": str(AGENT_ID), "secret": SECRET, "token": TOKEN,
             "aes_key": AES_KEY, "base_url": base_url}
    return make_settings(db_url, wecom=wecom, **sections)


@pytest.fixture
async def fake_wecom(clock):  # noqa: ANN001, ANN201
    fake = await FakeWeCom(agent_id=AGENT_ID, clock=clock).start()   # keeps the per-member limits
    yield fake
    await fake.stop()


@pytest.fixture
async def wecom_app(db_url, clock, fake_wecom, aiohttp_client, tmp_path):  # noqa: ANN001
    settings = wecom_settings(db_url, fake_wecom.base_url, media={"dir": str(tmp_path / "media")})
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    client = await aiohttp_client(app)
    await give_wecom_accounts(app, clock())
    return client


async def give_wecom_accounts(app, now: datetime) -> None:  # noqa: ANN001
    async with app[keys.STORE].transaction() as tx:
        for console_id, wecom_id in WECOM_IDS.items():
            person = await tx.people.by_identity("console", console_id)
            tx.add(Identity(person_id=person.id, platform="wecom", external_id=wecom_id,
                            display_name=person.name, alt_ids={}, created_at=now))


@pytest.fixture
def wecom(wecom_app, clock) -> WeComSender:  # noqa: ANN001
    return WeComSender(wecom_app, clock)


async def deliver(client) -> None:  # noqa: ANN001
    await client.server.app[keys.WORKER].drain()
