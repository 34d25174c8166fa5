"""Pictures sent to the robot are downloaded (messageFiles/download) into sitebot's media store
and attached to the ticket; a failed download keeps the download code and still reports."""
from __future__ import annotations

import copy

from bot import keys
from tests.platforms.dingtalk.driver import sample
from tests.platforms.console.test_http_edges import PNG


async def attachments(dingtalk) -> list:  # noqa: ANN001
    async with dingtalk.app[keys.STORE].transaction() as tx:
        return await tx.tickets.attachments(1)


async def test_rich_text_report_with_a_picture_keeps_the_picture(dingtalk):
    dingtalk.fake.files["dlcodeRICH"] = (PNG, "image/png")
    body = copy.deepcopy(sample("group_rich_text"))
    body["sessionWebhook"] = f"{dingtalk.base}/robot/sendBySession/{body['conversationId']}-rich"
    body["sessionWebhookExpiredTime"] = int(dingtalk.clock().timestamp() * 1000) + 3_600_000
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()
    assert "工单 T-1 · 3号楼外墙空鼓" in dingtalk.last_group()["text"]
    [picture] = await attachments(dingtalk)
    assert picture.kind == "image" and picture.ref.startswith("/media/")
    served = await dingtalk.client.get(picture.ref)
    assert served.status == 200 and await served.read() == PNG
    # DingTalk retries the same msgId: nothing is fetched again, nothing is reported again.
    downloads = dingtalk.fake.calls.count(("POST", "/v1.0/robot/messageFiles/download"))
    assert (await dingtalk.post(body)).status == 200
    assert dingtalk.fake.calls.count(("POST", "/v1.0/robot/messageFiles/download")) == downloads
    assert len(await attachments(dingtalk)) == 1


async def test_a_picture_that_cannot_be_fetched_keeps_its_code(dingtalk):
    body = copy.deepcopy(sample("group_rich_text"))   # dlcodeRICH unknown to the fake
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()
    [picture] = await attachments(dingtalk)
    assert picture.ref == "dlcodeRICH"


async def test_picture_in_a_one_to_one_chat_is_fetched(dingtalk):
    dingtalk.fake.files["dlcodeXXXX"] = (PNG, "image/png")
    body = copy.deepcopy(sample("single_picture"))
    assert (await dingtalk.post(body)).status == 200
    await dingtalk.deliver()
    assert ("POST", "/v1.0/robot/messageFiles/download") in dingtalk.fake.calls
