"""What /webhooks/feishu refuses (4xx) or accepts and ignores (200), and that nothing of it
reaches the dispatcher: no inbound record, nothing queued, nothing sent."""
from __future__ import annotations

import json

import pytest

from bot import keys
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import BOT, ENCRYPT_KEY, message_event, sample
from tests.platforms.feishu.signing import encrypt, wrap


def report(message_id: str = "om_probe") -> dict:
    return message_event("ou_li", SITE, {"text": "@_user_1 报修 3号楼漏水"}, message_id=message_id,
                         mentions=[("@_user_1", BOT, "sitebot")])


async def assert_nothing_happened(feishu, event_id: str = "om_probe") -> None:
    async with feishu.app[keys.STORE].transaction() as tx:
        assert await tx.inbound.get("feishu", event_id) is None
        assert await tx.outbox.next_due() is None
    await feishu.deliver()
    assert feishu.fake.sent(SITE) == []


async def test_url_verification_plain(feishu):
    response = await feishu.post(sample("url_verification.json"), encrypted=False)
    assert response.status == 200
    assert await response.json() == {"challenge": "ajls384kdjx98XX"}


async def test_url_verification_encrypted_needs_no_signature(feishu):
    body = json.dumps({"encrypt": encrypt(ENCRYPT_KEY, json.dumps(sample("url_verification.json")))})
    response = await feishu.post(body.encode())
    assert response.status == 200
    assert await response.json() == {"challenge": "ajls384kdjx98XX"}


async def test_url_verification_with_wrong_token_is_refused(feishu):
    check = {**sample("url_verification.json"), "token": "not-ours"}
    response = await feishu.post(check, encrypted=False)
    assert response.status == 401
    assert "challenge" not in await response.text()


async def test_a_signed_encrypted_event_is_accepted(feishu):
    response = await feishu.post(report())
    assert response.status == 200
    async with feishu.app[keys.STORE].transaction() as tx:
        assert await tx.inbound.get("feishu", "om_probe") is not None


async def test_wrong_signature_is_refused(feishu):
    response = await feishu.post(report(), headers={"X-Lark-Signature": "0" * 64})
    assert response.status == 401
    await assert_nothing_happened(feishu)


async def test_missing_signature_is_refused(feishu):
    body, _ = wrap(report(), ENCRYPT_KEY, int(feishu.clock().timestamp()))
    response = await feishu.post(body)
    assert response.status == 401
    await assert_nothing_happened(feishu)


async def test_body_signed_with_another_key_is_refused(feishu):
    response = await feishu.post(report(), key="another key")
    # encrypted with another key too: either undecryptable (400) or a bad signature (401)
    assert response.status in (400, 401)
    await assert_nothing_happened(feishu)


async def test_replayed_old_request_is_refused(feishu):
    body, headers = wrap(report(), ENCRYPT_KEY, int(feishu.clock().timestamp()) - 8 * 3600)
    response = await feishu.client.post("/webhooks/feishu", data=body, headers=headers)
    assert response.status == 401
    await assert_nothing_happened(feishu)


async def test_wrong_verification_token_is_refused(feishu):
    payload = report()
    payload["header"]["token"] = "not-ours"
    response = await feishu.post(payload)
    assert response.status == 401
    await assert_nothing_happened(feishu)


async def test_undecryptable_body_is_refused(feishu):
    body = json.dumps({"encrypt": "bm90IHJlYWxseSBlbmNyeXB0ZWQgYXQgYWxs"}).encode()
    response = await feishu.post(body)
    assert response.status == 400
    await assert_nothing_happened(feishu)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", "{\"encrypt\": 12}".encode()])
async def test_malformed_bodies_are_refused(feishu, body):
    response = await feishu.post(body)
    assert response.status == 400
    await assert_nothing_happened(feishu)


async def test_malformed_json_inside_the_envelope_is_refused(feishu):
    body = json.dumps({"encrypt": encrypt(ENCRYPT_KEY, "{half a")}).encode()
    response = await feishu.post(body)
    assert response.status == 400


async def test_oversized_body_is_refused(feishu):
    response = await feishu.post(b"{\"pad\": \"" + b"x" * (1024 * 1024 + 10) + b"\"}")
    assert response.status == 413
    await assert_nothing_happened(feishu)


async def test_event_for_another_app_is_acked_and_ignored(feishu):
    payload = report()
    payload["header"]["app_id"] = "cli_someone_else"
    response = await feishu.post(payload)
    assert response.status == 200      # authentic, just not ours: a 4xx would only bring retries
    await assert_nothing_happened(feishu)


async def test_unknown_event_type_is_acked_and_ignored(feishu):
    payload = report()
    payload["header"]["event_type"] = "im.message.reaction.created_v1"
    response = await feishu.post(payload)
    assert response.status == 200
    await assert_nothing_happened(feishu)


async def test_unreadable_event_is_acked_and_ignored(feishu):
    payload = report()
    payload["event"]["message"]["content"] = "{\"text\": "      # cut off
    response = await feishu.post(payload)
    assert response.status == 200
    await assert_nothing_happened(feishu)
    del payload["event"]["message"]["chat_id"]
    payload["event"]["message"]["content"] = "{\"text\": \"hi\"}"
    assert (await feishu.post(payload)).status == 200
    await assert_nothing_happened(feishu)


async def test_messages_from_other_bots_are_ignored(feishu):
    payload = report()
    payload["event"]["sender"]["sender_type"] = "app"
    assert (await feishu.post(payload)).status == 200
    await assert_nothing_happened(feishu)
