"""An ERP records a payment through POST /api/v1/payments: exactly the effects of 回款."""
from __future__ import annotations

from bot import keys
from tests.console_driver import card_text, field, note
from tests.finance.test_dunning import SCHOOL, TODAY, add_milestone, cards, scan

SITE, OWNER = "p001-site", "p001-owner"


async def test_erp_payment_settles_redraws_thanks_and_is_audited(api, console):
    erp = await api.token("金蝶ERP", "--scope", "payments:write,payments:read", "--project", "P-001")
    # A payment card already posted in the site group (a first partial payment, in chat).
    await console.say("u-qian", SITE, "回款 P-001 20万 工行转账")
    picker = await console.last_bot(SITE)
    await console.press("u-qian", SITE, picker, picker["body"]["actions"][0]["label"])
    card = await console.last_bot(SITE)
    assert field(card["body"], "待收") == "¥2,360,000.00"

    response, body = await api.call("POST", "/api/v1/payments", erp, json={
        "project": "P-001", "amount": "2360000", "milestone_id": picker["body"]["actions"][0]["value"]["m"],
        "reference": "KD-2026-0042", "note": "金蝶凭证 记-42"})
    assert response.status == 201, body
    assert body["milestone"]["outstanding"] == "0.00" and body["milestone"]["settled"] is True
    await console.deliver()
    # The card in the site group is redrawn in place, and the customer group is thanked.
    redrawn = next(m for m in await console.bot_messages(SITE) if m["id"] == card["id"])
    assert field(redrawn["body"], "待收") == "¥0.00" and note(redrawn["body"]) == "已全部收回 · 2026-11-23"
    thanks = await console.last_text(OWNER, user="u-liu")
    assert thanks == "已收到贵方支付的「进度款（基础完成）」款项 ¥2,360,000.00，感谢对 滨江花园 5 号楼 的支持！"
    # Nothing is sent to the API's own "conversation".
    async with api.app[keys.STORE].transaction() as tx:
        from sqlalchemy import select
        from domain.store.models import AuditEntry, OutboxMessage
        assert not (await tx.session.scalars(select(OutboxMessage).where(OutboxMessage.platform == "api"))).all()
        actions = [(a.action, a.platform) for a in await tx.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]
    assert ("payment.record", "api") in actions and ("api.record_payment", "api") in actions
    # The same voucher again records nothing (200, the earlier payment).
    again, body2 = await api.call("POST", "/api/v1/payments", erp, json={
        "project": "P-001", "amount": "2360000", "reference": "KD-2026-0042"})
    assert again.status == 200 and body2["already_recorded"] is True
    assert body2["payment"]["id"] == body["payment"]["id"]
    listed, page = await api.call("GET", "/api/v1/payments", erp, project="P-001")
    assert [p["amount"] for p in page["items"]][-2:] == ["200000.00", "2360000.00"]


async def test_idempotency_key_gives_one_effect_and_the_same_answer(api, console):
    erp = await api.token("ERP", "--scope", "payments:write")
    sent = {"project": "P-001", "amount": "64万"}    # exactly the 质保金: no question
    first, body = await api.call("POST", "/api/v1/payments", erp, json=sent, headers={"Idempotency-Key": "k-1"})
    second, body2 = await api.call("POST", "/api/v1/payments", erp, json=sent, headers={"Idempotency-Key": "k-1"})
    assert first.status == second.status == 201 and body == body2
    assert second.headers["Idempotent-Replayed"] == "true"
    other, problem = await api.call("POST", "/api/v1/payments", erp, json={**sent, "amount": "1"},
                                    headers={"Idempotency-Key": "k-1"})
    assert other.status == 422 and problem["title"] == "Idempotency-Key reused with another request"
    await console.deliver()
    thanks = [m for m in await console.bot_messages(OWNER, user="u-liu") if "感谢" in str(m["body"])]
    assert len(thanks) == 1


async def test_questions_and_refusals_are_problems_and_write_nothing(api, console):
    erp = await api.token("ERP", "--scope", "payments:write", "--project", "P-001")
    reader = await api.token("BI", "--scope", "payments:read")
    _, before = await api.call("GET", "/api/v1/payments", reader)
    cases = [
        (None, {"project": "P-001", "amount": "20万"}, 401, "Missing or unknown token"),
        (reader, {"project": "P-001", "amount": "20万"}, 403, "Missing scope"),
        (erp, {"project": "P-002", "amount": "20万"}, 404, "Project not found"),   # outside its projects
        (erp, {"project": "P-001", "amount": "-5万"}, 422, "Invalid amount"),
        (erp, {"project": "P-001"}, 422, "Invalid body"),
        (erp, {"project": "P-001", "amount": "20万"}, 409, "Which payment milestone?"),
    ]
    for token, sent, status, title in cases:
        response, body = await api.call("POST", "/api/v1/payments", token, json=sent)
        assert (response.status, body["title"]) == (status, title), body
        assert response.headers["Content-Type"].startswith("application/problem+json")
    response, body = await api.call("POST", "/api/v1/payments", erp, json={"project": "P-001", "amount": "300万",
                                    "milestone_id": (await _first_open(api, reader))})
    assert response.status == 409 and body["title"] == "Overpayment needs confirming"
    _, page = await api.call("GET", "/api/v1/payments", reader)
    assert page == before
    await api.cli("revoke", "ERP")
    response, _ = await api.call("POST", "/api/v1/payments", erp, json={"project": "P-001", "amount": "64万"})
    assert response.status == 401


async def _first_open(api, token) -> int:
    async with api.app[keys.STORE].transaction() as tx:
        from domain.finance.ledger import receivables
        project = await tx.projects.by_code("P-001")
        rows = await receivables(tx, unpaid_only=True, project_ids=[project.id])
        return next(r.milestone.id for r in rows if r.outstanding > 0 and "基础" in r.milestone.name)


async def test_erp_payment_stops_the_dunning_ladder(api, console, clock):
    erp = await api.token("ERP", "--scope", "payments:write")
    await add_milestone(api.app, TODAY)
    await scan(console)
    assert len(await cards(console, "u-he", SCHOOL)) == 1
    response, _ = await api.call("POST", "/api/v1/payments", erp, json={"project": "P-002", "amount": "100万"})
    assert response.status == 201
    await console.deliver()
    sent_before = len(await console.bot_messages("dm", user="u-he"))
    clock.advance(days=40)
    await scan(console)
    assert len(await console.bot_messages("dm", user="u-he")) == sent_before
    assert all("已全部收到" in card_text(m["body"]) for m in await console.bot_messages("dm", user="u-he")
               if SCHOOL in card_text(m["body"]))
