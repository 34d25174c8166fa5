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


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS"
       b"\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


async def test_console_photo_upload_and_attachments(console):
    from aiohttp import FormData
    form = FormData()
    form.add_field("file", PNG, filename="site.png", content_type="image/png")
    uploaded = await (await console.client.post("/console/api/upload", data=form)).json()
    assert uploaded["ref"].startswith("/media/")
    served = await console.client.get(uploaded["ref"])
    assert served.status == 200 and await served.read() == PNG
    bad = FormData()
    bad.add_field("file", b"#!/bin/sh", filename="x.sh", content_type="text/x-shellscript")
    assert (await console.client.post("/console/api/upload", data=bad)).status == 400
    response = await console.client.post("/console/api/messages", json={
        "user": "u-li", "chat": "p001-site", "text": "报修 5号楼渗水",
        "attachments": [{"kind": "image", "ref": uploaded["ref"]},
                        {"kind": "location", "latitude": 30.27, "longitude": 120.15, "name": "5号楼"}]})
    assert response.status == 200
    for wrong in ([{"kind": "image", "ref": "http://evil/x.png"}],
                  [{"kind": "location", "latitude": 300, "longitude": 0}], "nope"):
        response = await console.client.post("/console/api/messages", json={
            "user": "u-li", "chat": "p001-site", "text": "x", "attachments": wrong})
        assert response.status == 400
    assert (await console.client.get("/media/../../etc/passwd")).status == 404
