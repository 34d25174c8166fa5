"""Bad input at the HTTP edge gets a clear 4xx and touches nothing."""
from __future__ import annotations


async def test_healthz(console):
    response = await console.client.get("/healthz")
    assert response.status == 200 and (await response.json())["status"] == "ok"


async def test_malformed_console_requests_are_refused(console):
    client = console.client
    assert (await client.post("/console/api/messages", data=b"not json")).status == 400
    assert (await client.post("/console/api/messages", json=[1, 2])).status == 400
    assert (await client.post("/console/api/messages", json={"user": "u-li"})).status == 400
    assert (await client.post("/console/api/messages",
                              json={"user": "u-li", "chat": "p001-site", "text": 5})).status == 400
    assert (await client.post("/console/api/actions", json={
        "user": "u-li", "chat": "p001-site", "message_id": "m", "action": "ticket.accept",
        "value": [1]})).status == 400
    huge = {"user": "u-li", "chat": "p001-site", "text": "x" * (2 * 1024 * 1024)}
    assert (await client.post("/console/api/messages", json=huge)).status == 413
    assert await console.bot_messages("p001-site") == []


async def test_console_page_and_directory(console):
    page = await console.client.get("/console")
    assert page.status == 200 and "sitebot 控制台" in await page.text()
    directory = await (await console.client.get("/console/api/directory")).json()
    names = {p["name"] for p in directory["people"]}
    assert {"李工长", "赵质检", "陈经理", "刘总（业主）"} <= names
    assert {"p001-site", "p001-owner", "p002-site"} <= {c["id"] for c in directory["chats"]}
