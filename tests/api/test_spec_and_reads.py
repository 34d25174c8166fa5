"""The OpenAPI document is the truth: every route the server has is in it, every path in it
answers, and what it answers matches its schemas (jsonschema). Reads: scopes, projects,
cursor pages, filters, the rate limit."""
from __future__ import annotations

import re

import jsonschema

from bot.api.kernel import LIMITER

ALL = "projects:read,tickets:read,changes:read,customers:read,contracts:read,payments:read,payments:write"


async def report_tickets(console) -> None:
    """Tickets as site staff make them: two on P-001, one on P-002."""
    await console.say("u-li", "p001-site", "报修 5号楼3层卫生间渗水，比较急")
    await console.say("u-li", "p001-site", "报修 2层楼梯扶手松动")
    await console.say("u-lin", "p002-site", "报修 教学楼外墙脚手架缺防护网")


def _check(spec: dict, schema: dict, body) -> None:
    resolver_root = {**schema, "components": spec["components"]}   # "$ref": "#/components/…"
    jsonschema.Draft202012Validator(resolver_root).validate(body)


async def test_every_route_is_in_the_spec_and_every_spec_path_answers_as_it_says(api, console):
    token = await api.token("全读", "--scope", ALL)
    await report_tickets(console)
    response, spec = await api.call("GET", "/api/v1/openapi.json", None)
    assert response.status == 200 and spec["openapi"] == "3.1.0"
    jsonschema.Draft202012Validator.check_schema(spec["components"]["schemas"]["Problem"])
    served = {(r.method, r.resource.canonical) for r in api.app.router.routes()
              if r.resource is not None and r.resource.canonical.startswith("/api/v1/")
              and r.method != "HEAD" and not r.resource.canonical.endswith(("openapi.json", "/docs"))}
    documented = {(m.upper(), "/api/v1" + p.removeprefix(spec["servers"][0]["url"].split("/api/v1")[0])
                   .removeprefix("/api/v1")) for p, ops in spec["paths"].items() for m in ops}
    assert served == documented
    ids: dict[str, int] = {}
    checked = 0
    for path, ops in sorted(spec["paths"].items(), key=lambda item: item[0].count("{")):
        for method, op in ops.items():
            jsonschema.Draft202012Validator.check_schema(op["responses"][next(iter(op["responses"]))]
                                                         ["content"]["application/json"]["schema"])
            if method != "get":
                continue
            collection = path.split("/")[3]
            url = re.sub(r"{id}", str(ids.get(collection, 1)), path)
            response, body = await api.call("GET", url, token)
            assert str(response.status) in op["responses"], (url, response.status, body)
            schema = op["responses"][str(response.status)]["content"]
            _check(spec, next(iter(schema.values()))["schema"], body)
            if "items" in body and body["items"]:
                ids[collection] = body["items"][0]["id"]
            checked += 1
            # Without a token: a problem, in the documented shape.
            response, body = await api.call("GET", url, None)
            assert response.status == 401
            _check(spec, op["responses"]["401"]["content"]["application/problem+json"]["schema"], body)
    assert checked >= 12 and {"projects", "tickets", "customers"} <= set(ids)
    page = await api.client.get("/api/v1/docs")
    html = await page.text()
    assert page.status == 200 and "POST" in html and "/api/v1/payments" in html and "payments:write" in html
    assert "http" not in re.sub(r'href="openapi.json"', "", html.split("<body>")[0])   # no CDN


async def test_scopes_and_projects_limit_what_a_token_sees(api, console):
    tickets_only = await api.token("客服系统", "--scope", "tickets:read", "--project", "P-001")
    await report_tickets(console)
    response, body = await api.call("GET", "/api/v1/projects", tickets_only)
    assert response.status == 403 and body["title"] == "Missing scope" and body["scope"] == "projects:read"
    _, page = await api.call("GET", "/api/v1/tickets", tickets_only, limit="200")
    assert page["items"] and {t["project_id"] for t in page["items"]} == {1}
    everyone = await api.token("BI", "--scope", "tickets:read")
    _, all_tickets = await api.call("GET", "/api/v1/tickets", everyone, limit="200")
    other = next(t for t in all_tickets["items"] if t["project_id"] != 1)
    response, body = await api.call("GET", f"/api/v1/tickets/{other['id']}", tickets_only)
    assert response.status == 404 and body["title"] == "Ticket not found"
    response, body = await api.call("GET", "/api/v1/tickets", tickets_only, project="P-002")
    assert response.status == 404


async def test_cursor_pages_and_filters(api, console, clock):
    token = await api.token("BI", "--scope", "tickets:read")
    await report_tickets(console)
    clock.advance(minutes=5)
    _, everything = await api.call("GET", "/api/v1/tickets", token, limit="200")
    seen, cursor = [], None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        _, page = await api.call("GET", "/api/v1/tickets", token, **params)
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [t["id"] for t in everything["items"]] and len(seen) > 2
    await console.say("u-li", "p001-site", "报修 5号楼3层卫生间漏水严重")
    _, fresh = await api.call("GET", "/api/v1/tickets", token, updated_since="2026-11-23T06:04:00Z",
                              status="open", project="P-001")
    assert [t["title"] for t in fresh["items"]] == ["5号楼3层卫生间漏水严重"]
    for params, title in [({"cursor": "nonsense"}, "Bad cursor"), ({"limit": "0"}, "Bad limit"),
                          ({"updated_since": "yesterday"}, "Bad updated_since")]:
        response, body = await api.call("GET", "/api/v1/tickets", token, **params)
        assert (response.status, body["title"]) == (400, title)


async def test_rate_limit_answers_429_with_retry_after(api, console, clock):
    token = await api.token("BI", "--scope", "projects:read")
    other = await api.token("OA", "--scope", "projects:read")
    api.app[LIMITER].burst, api.app[LIMITER].per_minute = 2, 60
    for _ in range(2):
        assert (await api.call("GET", "/api/v1/projects", token))[0].status == 200
    response, body = await api.call("GET", "/api/v1/projects", token)
    assert response.status == 429 and response.headers["Retry-After"] == "1"
    assert body["title"] == "Too many requests"
    assert (await api.call("GET", "/api/v1/projects", other))[0].status == 200   # per token
    clock.advance(seconds=1)
    assert (await api.call("GET", "/api/v1/projects", token))[0].status == 200
