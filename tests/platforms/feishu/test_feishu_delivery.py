"""Outbound through the real API client (one pooled aiohttp session) against the fake open platform: token expiry,
rate limits, lost answers, refusals, idempotency, images."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot import keys
from bot.delivery.ports import RateLimited
from bot.feishu.adapter import FeishuAdapter, feishu_uuid
from bot.feishu.api import FeishuApi
from bot.feishu.config import FeishuConfig
from bot.media import MediaStore
from domain.store.repos.outbox import FAILED, PENDING, SENT
from handlers.chat.cards import Card, Image, Markdown
from handlers.chat.contract import Target, Text
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import APP_ID, APP_SECRET, BOT, message_event, sample

REPORT = "报修 5号楼3层卫生间渗水，比较急"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


async def rows(feishu, status: str):
    async with feishu.app[keys.STORE].transaction() as tx:
        return [r for r in await tx.outbox.by_status(status) if r.platform == "feishu"]


async def test_each_send_carries_the_outbox_key_as_uuid(feishu):
    await feishu.say("ou_li", SITE, REPORT)
    sent = {r.platform_message_id: r.idempotency_key for r in await rows(feishu, SENT)}
    posted = feishu.fake.sent(SITE) + feishu.fake.sent("ou_zhao")
    assert len(posted) == 2
    for message in posted:
        assert message.uuid == feishu_uuid(sent[message.message_id])
        assert 0 < len(message.uuid) <= 50


def test_long_keys_are_hashed_to_fit_and_stay_stable():
    key = "feishu:" + "x" * 80 + ":upd:12"
    assert len(feishu_uuid(key)) <= 50 and feishu_uuid(key) == feishu_uuid(key)
    assert feishu_uuid(key) != feishu_uuid(key + "3")
    assert feishu_uuid("feishu:om_1:0") == "feishu:om_1:0"


async def test_expired_token_mid_run_is_refreshed_once_and_the_send_retried(feishu):
    await feishu.say("ou_li", SITE, "我的工单")          # a token is in use by now
    assert feishu.fake.token_fetches == 1
    feishu.fake.expire_tokens()                         # Feishu revokes it early
    await feishu.say("ou_li", SITE, REPORT)
    assert feishu.fake.token_fetches == 2               # one refresh, shared by both sends
    assert len(feishu.cards(SITE)) == 2 and len(feishu.cards("ou_zhao")) == 1
    assert await rows(feishu, PENDING) == [] and await rows(feishu, FAILED) == []


async def test_rate_limit_delays_but_loses_nothing(feishu, clock):
    await feishu.say("ou_li", SITE, "我的工单")
    feishu.fake.throttle(2, "7")                        # HTTP 429, 99991400, reset in 7 s
    await feishu.say("ou_li", SITE, REPORT)
    assert len(feishu.fake.sent(SITE)) == 1 and feishu.fake.sent("ou_zhao") == []
    waiting = await rows(feishu, PENDING)
    assert len(waiting) == 2
    for row in waiting:
        assert row.attempts == 0 and "rate limited" in row.last_error
        assert (row.next_attempt_at.replace(tzinfo=clock().tzinfo) - clock()).total_seconds() == 7
    clock.advance(seconds=6)
    await feishu.deliver()
    assert len(feishu.fake.sent(SITE)) == 1
    clock.advance(seconds=2)
    await feishu.deliver()
    assert len(feishu.cards(SITE)) == 2 and len(feishu.cards("ou_zhao")) == 1


async def test_a_send_whose_answer_was_lost_is_retried_without_posting_twice(feishu, clock):
    feishu.fake.lose_answer_left = 2                    # posted, but we only see a 502 page
    await feishu.say("ou_li", SITE, REPORT)
    assert len(await rows(feishu, PENDING)) == 2
    clock.advance(seconds=5)
    await feishu.deliver()
    assert len(feishu.cards(SITE)) == 1 and len(feishu.cards("ou_zhao")) == 1
    assert len(await rows(feishu, SENT)) == 2


async def test_a_chat_the_bot_is_not_in_fails_the_row_with_feishus_reason(feishu):
    payload = sample("bot_added.json")
    payload["event"]["chat_id"] = "oc_left_already"      # bot removed before we answered
    assert (await feishu.post(payload)).status == 200
    await feishu.deliver()
    [failed] = await rows(feishu, FAILED)
    assert "230002" in failed.last_error and failed.attempts == 1


async def test_reply_to_a_withdrawn_message_is_sent_plainly(feishu):
    event = message_event("ou_li", SITE, {"text": f"@_user_1 {REPORT}"},
                          mentions=[("@_user_1", BOT, "sitebot")])
    # not registered with the fake: as if withdrawn before we answered
    assert (await feishu.post(event)).status == 200
    await feishu.deliver()
    [card] = feishu.cards(SITE)
    assert card.parent_id is None


def _config(fake) -> FeishuConfig:
    return FeishuConfig(app_id=APP_ID, app_secret=APP_SECRET, verification_token="v",
                        base_url=fake.base_url)


async def test_card_images_are_uploaded_and_shown_by_key(fake, tmp_path: Path):
    media = MediaStore(tmp_path)
    kept = media.save(PNG, "image/png")                              # a console upload
    fake.resources[("om_photo", "img_v2_site")] = (PNG + b"2", "image/png")  # a Feishu photo
    adapter = FeishuAdapter(FeishuApi(_config(fake)), media)
    card = Card("现场照片", blocks=(Markdown("5号楼"), Image(kept, "照片一"),
                                   Image("om_photo/img_v2_site", "照片二")))
    sent = await adapter.send(Target("feishu", "chat", SITE), card, idempotency_key="k1", reply_to=None)
    images = [e for e in fake.messages[sent.message_id].body["body"]["elements"] if e["tag"] == "img"]
    assert [fake.images[i["img_key"]] for i in images] == [PNG, PNG + b"2"]
    await adapter.send(Target("feishu", "chat", SITE), card, idempotency_key="k2", reply_to=None)
    assert len(fake.images) == 2                                      # uploaded once, reused


async def test_a_received_photo_can_be_downloaded(fake):
    fake.resources[("om_photo", "img_v2_site")] = (PNG, "image/png")
    adapter = FeishuAdapter(FeishuApi(_config(fake)))
    assert await adapter.fetch_media("om_photo/img_v2_site") == (PNG, "image/png")
    assert await adapter.fetch_media("https://example.com/x.png") is None


async def test_text_to_a_person_goes_by_open_id(fake):
    adapter = FeishuAdapter(FeishuApi(_config(fake)))
    await adapter.send(Target("feishu", "user", "ou_zhao"), Text("你好"), idempotency_key="k",
                       reply_to=None)
    [message] = fake.sent("ou_zhao")
    assert message.msg_type == "text" and message.body == {"text": "你好"}


def test_limits_are_per_app_and_per_chat(fake):
    adapter = FeishuAdapter(FeishuApi(_config(fake)))
    assert adapter.limits(Target("feishu", "chat", SITE)) == [
        ("feishu:app", 50, 1.0), ("feishu:app:60", 1000, 60.0), (f"feishu:chat:{SITE}", 5, 1.0)]


async def test_the_fake_keeps_feishus_limits(fake, clock):
    """So that the tests below can fail: a sixth message to one chat within a second is
    refused (230020), and so is a 51st from the app (429)."""
    api = FeishuApi(_config(fake))
    for n in range(5):
        await api.send("chat_id", SITE, "text", '{"text": "x"}', f"u{n}")
    with pytest.raises(RateLimited):
        await api.send("chat_id", SITE, "text", '{"text": "x"}', "u5")
    for n in range(45):
        await api.send("open_id", f"ou_{n}", "text", '{"text": "x"}', f"v{n}")
    with pytest.raises(RateLimited):
        await api.send("open_id", "ou_99", "text", '{"text": "x"}', "v99")
    clock.advance(seconds=1)
    await api.send("chat_id", SITE, "text", '{"text": "x"}', "u6")
    assert fake.limited == [f"to:{SITE}", "app"]
    await api.close()


async def test_a_burst_of_replies_goes_out_within_feishus_limits(feishu, clock):
    """Twelve reports in one chat at once: 24 replies (the group's cards and the assignee's),
    sent over the following seconds without Feishu ever having to refuse one."""
    for n in range(12):
        await feishu.say("ou_li", SITE, f"报修 {n + 1}号楼3层卫生间渗水，比较急", deliver=False)
    for _ in range(10):
        await feishu.deliver()
        clock.advance(seconds=0.5)
    assert len(feishu.cards(SITE)) == 12 and len(feishu.cards("ou_zhao")) == 12
    assert feishu.fake.limited == [] and await rows(feishu, PENDING) == []
