"""GET /p/{token}: the customer's read-only project page. No login: the signed link is the
key (bot/pages/links.py). An expired link answers 410, a tampered one 403, both with the same
"链接已过期，请重新获取" page and no project data."""
from __future__ import annotations

import logging
from typing import AsyncIterator

from aiohttp import web

from bot import keys
from bot.pages import cockpit
from bot.pages.gantt import chart
from bot.pages.links import LinkRefused, PageLinks
from bot.pages.secret import LINK_SECRET, link_secret
from domain.progress.page import project_page

log = logging.getLogger(__name__)
LINKS: web.AppKey[PageLinks] = web.AppKey("page_links")
_HEADERS = {
    "Cache-Control": "no-store",
    # The token is in the URL: do not hand it to the sites a photo or link points at.
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; img-src 'self' https: http: data:; "
                               "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
}


def install(app: web.Application) -> None:
    """Routes now; the link signer once the runtime (store, deps) is up. Call after the
    runtime's cleanup context is added, so this one starts after it."""
    app.router.add_get("/p/{token}", show_page)
    app.cleanup_ctx.append(_wire)
    cockpit.install(app)   # the managers' cockpit (issue 15), wired the same way


async def _wire(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    app[LINK_SECRET] = secret = await link_secret(app)   # the cockpit's links use it too
    links = PageLinks(secret, settings.base_url, settings.progress.link_days)
    app[LINKS] = links
    deps = app[keys.DISPATCHER].deps          # the same Deps the job runner holds
    deps.progress = settings.progress
    deps.page_link = lambda project, now: links.url(project.code, now)
    yield


def _locale(request: web.Request) -> str:
    return "en" if request.query.get("lang") == "en" else "zh-CN"


async def show_page(request: web.Request) -> web.Response:
    app = request.app
    deps = app[keys.DISPATCHER].deps
    locale = _locale(request)
    now = app[keys.CLOCK]()
    try:
        code, until = app[LINKS].verify(request.match_info["token"], now)
    except LinkRefused as refused:
        return _refused(request, locale, 410 if refused.expired else 403)
    async with app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code(code)
        if project is None:
            return _refused(request, locale, 403)
        today = now.astimezone(deps.timezone).date()
        page = await project_page(tx, project, today, now, deps.progress.page_log_days)
    html = app[keys.PAGES].get_template("pages/project.html").render(
        page=page, gantt=chart(page.milestones, page.first, page.last, today),
        t=lambda key, **p: deps.t(locale, key, **p), locale=locale,
        local=lambda when, fmt="%m-%d %H:%M": deps.local(when, fmt),
        until=deps.local(until, "%Y-%m-%d %H:%M"), now=deps.local(now, "%Y-%m-%d %H:%M"))
    return web.Response(text=html, content_type="text/html", headers=_HEADERS)


def _refused(request: web.Request, locale: str, status: int) -> web.Response:
    deps = request.app[keys.DISPATCHER].deps
    html = request.app[keys.PAGES].get_template("pages/refused.html").render(
        locale=locale, why=None, title=deps.t(locale, "page.expired_title"),
        heading=deps.t(locale, "page.expired"), hint=deps.t(locale, "page.expired_hint"))
    return web.Response(text=html, status=status, content_type="text/html", headers=_HEADERS)
