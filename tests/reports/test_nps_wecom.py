"""The NPS card on WeCom (encrypted callbacks; the fake WeCom API): 0–10 is eleven choices and a
WeCom card has at most six buttons, so the card is a vote_interaction — a single-choice list
and a submit button. The submit's callback carries the choice in SelectedItems; the score is
recorded once (WeCom's retry of the same callback, or the same answer submitted again, adds
nothing) and the card is updated to show the answer, its list disabled."""
from __future__ import annotations

import json

from sqlalchemy import delete, select

from bot import keys
from domain.store.models import AuditEntry, Identity
from domain.store.models.reports import NpsSurvey
from handlers.reports.jobs import send_nps
from tests.platforms.wecom.conftest import (AGENT_ID, CORP_ID, deliver, fake_wecom, wecom,  # noqa: F401
                                            wecom_app)
from tests.reports.company import at

CUSTOMER = "LiuZong"   # 刘总, 业主 of the demo's P-001


def submit_xml(user: str, when: int, card: dict, option: str, response_code: str,
               question: str | None = None) -> str:
    """A vote_interaction card's submit, as WeCom sends it (before encryption)."""
    box = card["checkbox"]
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
            f"</FromUserName><CreateTime>{when}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[template_card_event]]></Event>"
            f"<EventKey><![CDATA[{card['submit_button']['key']}]]></EventKey>"
            f"<TaskId><![CDATA[{card['task_id']}]]></TaskId><CardType><![CDATA[vote_interaction]]></CardType>"
            f"<ResponseCode><![CDATA[{response_code}]]></ResponseCode><AgentID>{AGENT_ID}</AgentID>"
            "<SelectedItems><SelectedItem>"
            f"<QuestionKey><![CDATA[{question or box['question_key']}]]></QuestionKey>"
            f"<OptionIds><OptionId><![CDATA[{option}]]></OptionId></OptionIds>"
            "</SelectedItem></SelectedItems></xml>")


async def on_wecom_only(app) -> None:  # noqa: ANN001
    """刘总 uses WeCom alone (the demo also gave him the console, the first platform he was on)."""
    async with app[keys.STORE].transaction() as tx:
        person = await tx.people.by_identity("wecom", CUSTOMER)
        await tx.session.execute(delete(Identity).where(Identity.person_id == person.id,
                                                        Identity.platform != "wecom"))


async def card_sent(app, fake_wecom, clock) -> dict:  # noqa: ANN001, F811
    await on_wecom_only(app)
    at(clock, "2026-10-01 10:05")                      # the quarter's cards go out
    assert await send_nps(app[keys.JOBS]) >= 1
    await app[keys.WORKER].drain()
    [sent] = [b for b in fake_wecom.sent() if b["msgtype"] == "template_card" and b["touser"] == CUSTOMER]
    return sent["template_card"]


async def answers(app) -> tuple[list[tuple[int | None, object]], int]:  # noqa: ANN001
    """刘总's cards' (score, answered at), and how many answers were recorded (audited)."""
    async with app[keys.STORE].transaction() as tx:
        person = await tx.people.by_identity("wecom", CUSTOMER)
        surveys = (await tx.session.execute(select(NpsSurvey.score, NpsSurvey.answered_at)
                                            .where(NpsSurvey.respondent_id == person.id))).all()
        audited = len((await tx.session.execute(
            select(AuditEntry.id).where(AuditEntry.action == "nps.answer"))).all())
    return [tuple(row) for row in surveys], audited


async def test_nps_card_is_a_vote_of_eleven_answered_once(wecom, fake_wecom, wecom_app, clock):  # noqa: F811
    app = wecom_app.server.app
    card = await card_sent(app, fake_wecom, clock)
    assert card["card_type"] == "vote_interaction" and "button_list" not in card
    options = card["checkbox"]["option_list"]
    assert [o["text"] for o in options] == [str(n) for n in range(11)]       # 0–10, not 0–5
    assert card["checkbox"]["mode"] == 0 and not any(o["is_checked"] for o in options)
    assert card["submit_button"]["text"] == "提交"
    assert json.loads(card["submit_button"]["key"])["a"] == "nps.rate"
    assert "disable" not in card["checkbox"]

    at(clock, "2026-10-02 09:00")
    eight = next(o["id"] for o in options if o["text"] == "8")
    code = fake_wecom.issue_code()
    callback = submit_xml(CUSTOMER, int(clock().timestamp()), card, eight, code)
    for _ in range(2):                                   # WeCom retries the same callback
        response = await wecom.post(callback)
        assert response.status == 200
    await deliver(wecom_app)
    [(score, answered_at)], audited = await answers(app)
    assert (score, audited) == (8, 1)

    [update] = fake_wecom.sent("message/update_template_card")
    assert update["response_code"] == code and update["userids"] == [CUSTOMER]
    shown = update["template_card"]
    assert shown["card_type"] == "vote_interaction" and shown["task_id"] == card["task_id"]
    assert [o["text"] for o in shown["checkbox"]["option_list"] if o["is_checked"]] == ["8"]
    assert shown["checkbox"]["disable"] is True and shown["replace_text"] == "8"
    assert "您的评分：8 分" in shown["sub_title_text"]

    clock.advance(minutes=5)                              # the same answer submitted again
    await wecom.post(submit_xml(CUSTOMER, int(clock().timestamp()), card, eight, fake_wecom.issue_code()))
    await deliver(wecom_app)
    assert await answers(app) == ([(8, answered_at)], 1)
    assert len(fake_wecom.sent("message/update_template_card")) == 1


async def test_a_choice_we_did_not_offer_is_ignored(wecom, fake_wecom, wecom_app, clock):  # noqa: F811
    app = wecom_app.server.app
    card = await card_sent(app, fake_wecom, clock)
    when = int(clock().timestamp())
    for option, question in (("i11", None), ("x7", None), ("i7", "s")):   # 11, not ours, the survey's field
        response = await wecom.post(submit_xml(CUSTOMER, when, card, option, fake_wecom.issue_code(), question))
        assert response.status == 200
        when += 1
    await deliver(wecom_app)
    assert (await answers(app))[1] == 0
    assert fake_wecom.sent("message/update_template_card") == []


async def test_the_opiton_spelling_is_read_too(wecom, fake_wecom, wecom_app, clock):  # noqa: F811
    """One SDK reads the option tags as OpitonIds/OpitonId (a misspelling in a version of
    WeCom's docs): such a callback is answered the same."""
    app = wecom_app.server.app
    card = await card_sent(app, fake_wecom, clock)
    xml = submit_xml(CUSTOMER, int(clock().timestamp()), card, "i3", fake_wecom.issue_code())
    await wecom.post(xml.replace("OptionId", "OpitonId"))
    await deliver(wecom_app)
    assert [score for score, _ in (await answers(app))[0]] == [3]
