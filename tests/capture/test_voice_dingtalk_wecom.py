"""Voice on DingTalk and WeCom. DingTalk: an `audio` message to the robot carries DingTalk's own
recognition (content.recognition), used as the text when present; without one the sender is
asked again. WeCom: a self-built app gets a `voice` message with a MediaId (AMR) and no
recognition, and has no speech API to ask, so the sender is asked to type."""
from __future__ import annotations

import json

from bot import keys
from tests.platforms.dingtalk.driver import signed_headers
from tests.platforms.wecom.conftest import deliver, message_xml

HAZARD = "5号楼电梯口有钢筋没人管，很危险"
LI = "li01"


async def _audio(dingtalk, recognition: str | None) -> None:
    body = dingtalk.payload(LI, "", group=False)
    body.pop("text")
    content = {"duration": 4000, "downloadCode": "dl-voice-1"}
    if recognition is not None:
        content["recognition"] = recognition
    body.update(msgtype="audio", content=content)
    response = await dingtalk.post(body, headers=signed_headers(dingtalk.now_ms()))
    assert response.status == 200, await response.text()
    await dingtalk.deliver()


def _seen(fake_dingtalk) -> str:
    return json.dumps(fake_dingtalk.timeline, ensure_ascii=False)


async def test_dingtalk_recognition_is_read_as_the_sentence_and_proposed(dingtalk, fake_dingtalk):
    await _audio(dingtalk, HAZARD)
    seen = _seen(fake_dingtalk)
    assert "要登记为工单吗？" in seen and HAZARD in seen and "语音识别的文字" in seen


async def test_dingtalk_audio_without_recognition_is_asked_again(dingtalk, fake_dingtalk):
    await _audio(dingtalk, None)
    seen = _seen(fake_dingtalk)
    assert "没听清，请再说一次或打字" in seen and "要登记为工单吗？" not in seen
    async with dingtalk.app[keys.STORE].transaction() as tx:
        assert await tx.tickets.get(1) is None


async def test_wecom_voice_asks_to_type(wecom, wecom_app, fake_wecom):
    xml = message_xml("LiGongZhang", "voice", wecom.clock(), 7100000000000000001,
                      "<MediaId><![CDATA[media_voice_1]]></MediaId><Format><![CDATA[amr]]></Format>")
    response = await wecom.post(xml)
    assert response.status == 200
    await deliver(wecom_app)
    texts = [m.get("text", {}).get("content", "") for m in fake_wecom.sent()]
    assert texts == ["这里的语音无法自动识别，请打字"]
