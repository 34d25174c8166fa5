"""/api/v1/webhooks over real HTTP: the admin scope, a subscription made through the API
delivering to a real receiver, replay and removal; a token limited to a project stays in it."""
from __future__ import annotations

from tests.api.test_webhooks import REPORT, SITE, Receiver, webhook_rows


async def test_subscribe_through_the_api_then_replay_and_remove(api, console):
    receiver = Receiver()
    await receiver.start()
    try:
        admin = await api.token("集成平台", "--scope", "webhooks:admin")
        reader = await api.token("BI", "--scope", "tickets:read")
        response, body = await api.call("POST", "/api/v1/webhooks", reader, json={
            "url": receiver.url, "events": ["ticket.created"]})
        assert response.status == 403 and body["scope"] == "webhooks:admin"
        response, body = await api.call("POST", "/api/v1/webhooks", admin, json={
            "url": receiver.url, "events": ["ticket.opened"]})
        assert response.status == 422 and body["title"] == "Invalid body"
        response, made = await api.call("POST", "/api/v1/webhooks", admin, json={
            "url": receiver.url, "events": ["ticket.created"], "project": "P-001"})
        assert response.status == 201 and made["secret"].startswith("whsec_") and made["project"] == "P-001"
        listed, page = await api.call("GET", "/api/v1/webhooks", admin)
        assert [w["id"] for w in page["items"]] == [made["id"]] and "secret" not in page["items"][0]
        await console.say("u-li", SITE, REPORT)
        [(msg_id, event)] = receiver.verified(made["secret"])
        assert event["type"] == "ticket.created"
        response, done = await api.call("POST", "/api/v1/webhooks/replay", admin, json={"ids": [msg_id]})
        assert response.status == 202 and done == {"events": 1, "queued": 1, "busy": 0}
        await console.deliver()
        assert [m for m, _ in receiver.verified(made["secret"])] == [msg_id, msg_id]
        response, gone = await api.call("DELETE", f"/api/v1/webhooks/{made['id']}", admin)
        assert response.status == 200 and gone["id"] == made["id"]
        await console.say("u-li", SITE, "报修 3号楼脚手架连墙件松动")
        assert len(receiver.got) == 2 and len(await webhook_rows(api)) == 1
        response, _ = await api.call("DELETE", f"/api/v1/webhooks/{made['id']}", admin)
        assert response.status == 404
    finally:
        await receiver.stop()


async def test_a_token_limited_to_a_project_manages_only_its_own(api, console):
    everyone = await api.token("总部", "--scope", "webhooks:admin")
    p2 = await api.token("二号项目", "--scope", "webhooks:admin", "--project", "P-002")
    _, theirs = await api.call("POST", "/api/v1/webhooks", everyone, json={
        "url": "https://erp.example/hook", "events": ["payment.recorded"]})
    response, body = await api.call("POST", "/api/v1/webhooks", p2, json={
        "url": "https://p2.example/hook", "events": ["ticket.created"]})
    assert response.status == 422 and body["title"] == "Project required"
    response, _ = await api.call("POST", "/api/v1/webhooks", p2, json={
        "url": "https://p2.example/hook", "events": ["ticket.created"], "project": "P-001"})
    assert response.status == 404
    response, own = await api.call("POST", "/api/v1/webhooks", p2, json={
        "url": "https://p2.example/hook", "events": ["ticket.created"], "project": "P-002"})
    assert response.status == 201
    _, page = await api.call("GET", "/api/v1/webhooks", p2)
    assert [w["id"] for w in page["items"]] == [own["id"]]
    response, _ = await api.call("DELETE", f"/api/v1/webhooks/{theirs['id']}", p2)
    assert response.status == 404
