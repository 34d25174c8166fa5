"""Bad input at /webhooks/dingtalk: refused with a 4xx and no effect at all."""
from __future__ import annotations

import json

from bot import keys
from tests.platforms.dingtalk.driver import signed_headers

REPORT = "报修 5号楼3层卫生间渗水，比较急"


async def nothing_happened(dingtalk) -> bool:  # noqa: ANN001
    await dingtalk.deliver()
    async with dingtalk.app[keys.STORE].transaction() as tx:
        inbound = await tx.inbound.get("dingtalk", "msgBAD")
        pending = await tx.outbox.by_status("pending") + await tx.outbox.by_status("sent")
    return inbound is None and pending == [] and dingtalk.fake.timeline == []


async def test_wrong_sign_stale_future_and_missing_headers_are_401(dingtalk):
    body = dingtalk.payload("li01", REPORT, msg_id="msgBAD")
    now = int(dingtalk.clock().timestamp() * 1000)
    hour = 60 * 60 * 1000
    wrong = {**signed_headers(now), "sign": signed_headers(now, "other-secret")["sign"]}
    for headers in (wrong, signed_headers(now - hour - 1000), signed_headers(now + hour + 1000),
                    {"Content-Type": "application/json"}, {"timestamp": str(now)},
                    {"sign": signed_headers(now)["sign"]}):
        response = await dingtalk.post(body, headers=headers)
        assert response.status == 401, headers
        assert "报修" not in await response.text()   # no body echoed
    assert await nothing_happened(dingtalk)


async def test_malformed_and_incomplete_bodies_are_400(dingtalk):
    good = dingtalk.payload("li01", REPORT, msg_id="msgBAD")
    for raw in (b"{not json", b"\xff\xfe", json.dumps([good]).encode(),
                json.dumps({k: v for k, v in good.items() if k != "msgId"}).encode(),
                json.dumps({k: v for k, v in good.items() if k != "conversationId"}).encode()):
        response = await dingtalk.post(None, raw=raw)
        assert response.status == 400, raw[:40]
    assert await nothing_happened(dingtalk)


async def test_oversize_is_413(dingtalk):
    body = dingtalk.payload("li01", REPORT + "渗" * 40_000, msg_id="msgBAD")
    response = await dingtalk.post(body)
    assert response.status == 413
    assert await nothing_happened(dingtalk)


async def test_a_signature_pair_cannot_carry_another_message(dingtalk):
    headers = signed_headers(dingtalk.now_ms())
    first = dingtalk.payload("li01", "我的工单", msg_id="msgFIRST")
    assert (await dingtalk.post(first, headers=headers)).status == 200
    assert (await dingtalk.post(first, headers=headers)).status == 200   # a retry is fine
    forged = dingtalk.payload("chen01", REPORT, msg_id="msgBAD")
    assert (await dingtalk.post(forged, headers=headers)).status == 401
    await dingtalk.deliver()
    assert [m["text"] for m in dingtalk.group_messages() if "工单 T-" in m["text"]] == []


async def test_a_session_webhook_pointing_elsewhere_is_not_used(dingtalk):
    body = dingtalk.payload("li01", "我的工单")
    body["sessionWebhook"] = "https://evil.example/collect"
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()
    reply = dingtalk.last_group()
    assert reply["via"] == "openapi"   # answered through the OpenAPI, not the foreign URL


async def test_other_message_types_are_acknowledged_and_ignored(dingtalk):
    body = dingtalk.payload("li01", "x")
    # (audio is read since issue 17: tests/capture/test_voice_dingtalk_wecom.py)
    body.update(msgtype="video", content={"duration": 3, "downloadCode": "a", "videoType": "mp4"})
    del body["text"]
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()
    assert dingtalk.fake.timeline == []


async def test_a_callback_for_another_organisation_or_robot_is_refused(dingtalk):
    for field, value in (("chatbotCorpId", "dingOTHERcorp000000000"), ("robotCode", "dingOTHERrobot"),
                         ("chatbotCorpId", None), ("chatbotCorpId", 12)):
        body = dingtalk.payload("li01", REPORT, msg_id="msgBAD")
        body[field] = value
        response = await dingtalk.post(body)
        assert response.status == 403, (field, value)
    assert await nothing_happened(dingtalk)


async def test_a_sender_of_another_organisation_is_not_our_staff_member(dingtalk):
    body = dingtalk.payload("chen01", "我的工单")     # chen01 is our admin's staffId ...
    body["senderCorpId"] = "dingOTHERcorp000000000"   # ... in another organisation: someone else
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()
    assert "还不是 sitebot 的登记成员" in dingtalk.last_group()["text"]


BAD_SESSION_PATHS = ("/robot/sendBySession/../../x", "/robot/sendBySession/a/../../../x",
                     "/robot/sendBySession/%2e%2e/%2e%2e/x", "/robot/sendBySession/./x",
                     "/robot/sendBySession//x", "/robot/sendBySessionX/y", "/robot/sendBySession\\..\\x",
                     "/robot/sendBySession/x#frag")


async def test_a_session_webhook_is_used_only_on_dingtalks_own_host_and_path(dingtalk):
    base = dingtalk.base
    host = base.split("//", 1)[1]
    urls = [base + path for path in BAD_SESSION_PATHS] + [
        f"http://user@{host}/robot/sendBySession/x", f"https://{host}/robot/sendBySession/x",
        base.replace("127.0.0.1", "127.0.0.1.evil.example") + "/robot/sendBySession/x",
        f"{base}/robot/sendBySession/x\ny", f"{base}/robot/sendBySession/ｘ"]
    for url in urls:
        body = dingtalk.payload("li01", "我的工单")
        body["sessionWebhook"] = url
        assert (await dingtalk.post(body)).status == 200, url
        await dingtalk.deliver()
        assert dingtalk.last_group()["via"] == "openapi", url
    assert dingtalk.fake.session == []
    assert [p for _, p in dingtalk.fake.calls if not p.startswith(("/v1.0/", "/robot/sendBySession/"))] == []
    good = dingtalk.payload("li01", "我的工单")        # the driver's own: DingTalk's host and path
    assert (await dingtalk.post(good)).status == 200
    await dingtalk.deliver()
    assert dingtalk.last_group()["via"] == "session"


async def test_odd_numbers_in_a_signed_body_answer_400_and_change_nothing(dingtalk):
    for field, value in (("sessionWebhookExpiredTime", 10 ** 20), ("sessionWebhookExpiredTime", 1e20),
                         ("sessionWebhookExpiredTime", "100000000000000000000"),
                         ("sessionWebhookExpiredTime", -1), ("sessionWebhookExpiredTime", True),
                         ("sessionWebhookExpiredTime", "１２３"), ("sessionWebhookExpiredTime", float("nan")),
                         ("atUsers", 5), ("msgId", "m" * 300), ("conversationId", "c" * 300)):
        body = dingtalk.payload("li01", REPORT, msg_id="msgBAD")
        body[field] = value
        response = await dingtalk.post(body)
        assert response.status == 400, (field, value)
        text = await response.text()
        assert "报修" not in text and (field in text or field in ("msgId", "conversationId"))
    body = dingtalk.payload("li01", "x", msg_id="msgBAD")
    body.update(msgtype="richText", content={"richText": 7})
    del body["text"]
    assert (await dingtalk.post(body)).status == 400
    assert await nothing_happened(dingtalk)


async def test_timestamp_of_other_digits_is_401_not_a_crash(dingtalk):
    body = dingtalk.payload("li01", REPORT, msg_id="msgBAD")
    for stamp in ("１７００００００００００", "²"):
        response = await dingtalk.post(body, headers={"timestamp": stamp, "sign": "x"})
        assert response.status == 401, stamp
    raw = b'{"a":' * 5000 + b"1" + b"}" * 5000                 # signed, but nested too deep to read
    assert (await dingtalk.post(None, raw=raw)).status in (400, 413)
    assert await nothing_happened(dingtalk)
