"""GET /cockpit/{token}: the manager's cockpit (管理驾驶舱), a phone-first page of the report
the person may see: key figures beside the previous period, trends, the typical problems,
the funnel and the ageing, and lists to drill into (tickets that missed their SLA, overdue
payments, customers at risk, late projects). No login: the signed link names the person
(bot/pages/cockpit_links.py); what they see is fixed by their roles when the page is opened.
`?p=` picks the period (week, month, quarter, last-week, last-month, last-quarter) and
`?project=P-001` narrows to one of their projects."""
from __future__ import annotations

import logging
from typing import AsyncIterator

from aiohttp import web

from bot import keys
from bot.pages.cockpit_links import CockpitLinks
from bot.pages.cockpit_view import view
from bot.pages.links import LinkRefused
from bot.pages.secret import LINK_SECRET
from domain.errors import DomainError
from domain.people import project_by_code
from domain.reports.periods import Kind, Period, current, last_complete
from domain.reports.report import report_and_trend
from domain.reports.scope import narrowed, scope_of

log = logging.getLogger(__name__)
COCKPIT_LINKS: web.AppKey[CockpitLinks] = web.AppKey("cockpit_links")
PERIODS = {"week": ("this", Kind.WEEK), "month": ("this", Kind.MONTH), "quarter": ("this", Kind.QUARTER),
           "last-week": ("last", Kind.WEEK), "last-month": ("last", Kind.MONTH),
           "last-quarter": ("last", Kind.QUARTER)}
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                               "base-uri 'none'; form-action 'none'",
}


def install(app: web.Application) -> None:
    """The route now; the link signer, the chart store and the [reports] rules once the runtime
    (store, deps) is up — the same Deps the handlers and the job runner hold."""
    app.router.add_get("/cockpit/{token}", show_cockpit)
    app.cleanup_ctx.append(_wire)


async def _wire(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    # The secret bot/pages/routes.py resolved just before (its start-up runs first).
    links = CockpitLinks(app[LINK_SECRET], settings.base_url, settings.progress.link_days)
    app[COCKPIT_LINKS] = links
    deps = app[keys.DISPATCHER].deps
    deps.reports = settings.reports
    deps.images = app[keys.MEDIA]
    deps.cockpit_link = lambda person, now: links.url(person.id, now)
    yield


def _period(choice: str, now, tz) -> tuple[str, Period]:  # noqa: ANN001
    which, kind = PERIODS.get(choice, PERIODS["month"])
    name = choice if choice in PERIODS else "month"
    return name, (current if which == "this" else last_complete)(kind, now, tz)


async def show_cockpit(request: web.Request) -> web.Response:
    app = request.app
    deps = app[keys.DISPATCHER].deps
    locale = "en" if request.query.get("lang") == "en" else "zh-CN"
    now = app[keys.CLOCK]()
    try:
        person_id, until = app[COCKPIT_LINKS].verify(request.match_info["token"], now)
    except LinkRefused as refused:
        return _refused(request, locale, 410 if refused.expired else 403,
                        "expired" if refused.expired else "invalid")
    choice, period = _period(request.query.get("p", "month"), now, deps.timezone)
    async with app[keys.STORE].transaction() as tx:
        person = await tx.people.get(person_id)
        try:
            scope = await scope_of(tx, person)
            code = request.query.get("project")
            if code:
                scope = narrowed(scope, await project_by_code(tx, code[:20]))
        except DomainError:
            return _refused(request, locale, 403, "refused")
        report, points = await report_and_trend(tx, scope, period, deps.reports, now)
    page = view(deps, locale, report, points, person, choice, code=scope.project.code if scope.project else None)
    html = app[keys.PAGES].get_template("pages/cockpit.html").render(
        page=page, t=lambda key, **p: deps.t(locale, key, **p), locale=locale,
        until=deps.local(until, "%Y-%m-%d %H:%M"), now=deps.local(now, "%Y-%m-%d %H:%M"))
    return web.Response(text=html, content_type="text/html", headers=_HEADERS)


def _refused(request: web.Request, locale: str, status: int, why: str) -> web.Response:
    """No figures at all: an expired link (410), one that is not ours (403), or a person who
    may not see reports (any more) or that project (403)."""
    deps = request.app[keys.DISPATCHER].deps
    html = request.app[keys.PAGES].get_template("pages/refused.html").render(
        locale=locale, why=why, title=deps.t(locale, "cockpit.title"),
        heading=deps.t(locale, f"cockpit.refused.{why}"), hint=deps.t(locale, "cockpit.refused_hint"))
    return web.Response(text=html, status=status, content_type="text/html", headers=_HEADERS)
