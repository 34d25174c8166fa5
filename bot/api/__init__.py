"""The open API, /api/v1 (issue 20): routes for ERP, OA and finance systems, its OpenAPI
document and a reference page, all from bot/api/table.py."""
from __future__ import annotations

from aiohttp import web

from bot import keys
from bot.api.kernel import LIMITER, view
from bot.api.limits import RateLimiter
from bot.api.openapi import document
from bot.api.table import ENDPOINTS, V1


def install(app: web.Application, limiter: RateLimiter | None = None) -> None:
    app[LIMITER] = limiter or RateLimiter()
    for endpoint in ENDPOINTS:
        app.router.add_route(endpoint.method, endpoint.path, view(endpoint), name=endpoint.name)
    app.router.add_get(f"{V1}/openapi.json", _openapi)
    app.router.add_get(f"{V1}/docs", _docs)


def _spec(request: web.Request) -> dict:
    # Paths hold /api/v1 already (they are the routes), so the server is the site itself.
    return document(ENDPOINTS, request.app[keys.SETTINGS].base_url.rstrip("/"))


async def _openapi(request: web.Request) -> web.Response:
    return web.json_response(_spec(request))


async def _docs(request: web.Request) -> web.Response:
    page = request.app[keys.PAGES].get_template("api/docs.html").render(spec=_spec(request))
    return web.Response(text=page, content_type="text/html")
