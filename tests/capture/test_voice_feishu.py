"""Voice messages through the Feishu edge: a signed, encrypted `audio` message in; sitebot
downloads its Ogg/Opus clip from the fake open platform (message resource API), decodes it to
16 kHz 16-bit mono PCM and asks the fake speech-to-text API, which checks the request as
Feishu documents it; the transcript is then read as if typed."""
from __future__ import annotations

from bot import keys
from tests.capture.voice import opus_clip, send_voice
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts

HAZARD = "5号楼电梯口有钢筋没人管，很危险"
DM_LI = "oc_dm_li"
UNHEARD = "没听清，请再说一次或打字"


def _texts(feishu, receive_id: str) -> list[str]:
    return [m.body.get("text", "") for m in feishu.fake.sent(receive_id) if m.msg_type == "text"]


async def test_a_spoken_hazard_in_the_group_is_proposed_with_its_transcript_and_filed(feishu):
    feishu.fake.chats.add(DM_LI)
    feishu.fake.hears(440, HAZARD)
    await send_voice(feishu, "ou_li", SITE, opus_clip(440, 2.0))
    [(file_id, seconds)] = feishu.fake.speech_calls
    assert len(file_id) == 16 and 1.9 < seconds < 2.1          # PCM at 16 kHz, 16-bit, mono
    assert feishu.fake.sent(SITE) == []                         # not the whole group
    [proposal] = feishu.cards("ou_li")
    text = card_texts(proposal.body)
    assert f"**安全 · 高** · {HAZARD}" in text and "语音识别的文字" in text
    answer = await feishu.click("ou_li", DM_LI, proposal.message_id, buttons(proposal.body)["登记"])
    assert answer["toast"]["content"] == "已登记为工单 T-1"
    async with feishu.app[keys.STORE].transaction() as tx:
        ticket = await tx.tickets.get(1)
    assert ticket.description == HAZARD


async def test_a_spoken_command_is_a_command(feishu):
    feishu.fake.hears(523, "报修 3号楼5层卫生间漏水")
    await send_voice(feishu, "ou_li", SITE, opus_clip(523, 2.5))
    [card] = feishu.cards(SITE)
    assert card.body["header"]["title"]["content"].startswith("工单 T-1")


async def test_silence_is_asked_again_in_a_one_to_one_chat(feishu):
    feishu.fake.chats.add(DM_LI)
    await send_voice(feishu, "ou_li", DM_LI, opus_clip(440, 1.0, volume=0.0), chat_type="p2p")
    assert len(feishu.fake.speech_calls) == 1 and _texts(feishu, DM_LI) == [UNHEARD]
    assert feishu.cards(DM_LI) == []


async def test_a_clip_over_a_minute_is_not_sent_and_the_sender_is_told_alone(feishu):
    feishu.fake.hears(440, HAZARD)
    await send_voice(feishu, "ou_li", SITE, opus_clip(440, 61.0), seconds=61)
    assert feishu.fake.__dict__.get("speech_calls", []) == []
    assert feishu.fake.sent(SITE) == [] and _texts(feishu, "ou_li") == [UNHEARD]


async def test_the_speech_api_refusing_is_asked_again_and_files_nothing(feishu):
    feishu.fake.chats.add(DM_LI)
    feishu.fake.hears(440, HAZARD)
    feishu.fake.fail_next("speech", (400, 99991672, "Access denied. One of the following scopes is "
                                                     "required: [speech_to_text:speech]"))
    await send_voice(feishu, "ou_li", DM_LI, opus_clip(440, 1.0), chat_type="p2p")
    assert _texts(feishu, DM_LI) == [UNHEARD] and feishu.cards(DM_LI) == []
    async with feishu.app[keys.STORE].transaction() as tx:
        assert await tx.tickets.get(1) is None


async def test_a_file_that_is_no_audio_is_asked_again(feishu):
    feishu.fake.chats.add(DM_LI)
    await send_voice(feishu, "ou_li", DM_LI, b"not audio at all" * 10, chat_type="p2p")
    assert _texts(feishu, DM_LI) == [UNHEARD]
