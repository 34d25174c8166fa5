"""The handler side of the composition root: the areas, composed in help order.

Each area declares what it offers in `handlers/<area>/area.py`; this module only puts them
together (and adds 帮助, which is generated from all of them)."""
from __future__ import annotations

from handlers.admin.area import area as admin_area
from handlers.capture.area import area as capture_area
from handlers.changes.area import area as changes_area
from handlers.chat.area import ActionHandler, Area
from handlers.chat.context import CardView
from handlers.chat.help import make_help
from handlers.chat.jobs import JobDef
from handlers.chat.ports import ReportFiler
from handlers.chat.router import Router
from handlers.customers.area import area as customers_area
from handlers.finance.area import area as finance_area
from handlers.imports.area import area as imports_area
from handlers.progress.area import area as progress_area
from handlers.reports.area import area as reports_area
from handlers.setup.area import area as setup_area
from handlers.site.area import area as site_area
from handlers.tickets.area import area as tickets_area
from handlers.tickets.filing import TicketFiler

HELP = ("help", ("帮助", "？", "?"), ("help",))


def areas() -> list[Area]:
    """In the order 帮助 lists their commands."""
    tickets = tickets_area()
    # Last: its fallback takes file messages and passes everything else on to the tickets one.
    return [tickets, admin_area(), finance_area(), customers_area(), changes_area(),
            progress_area(), setup_area(), reports_area(), capture_area(), site_area(),
            imports_area(then=tickets.fallback)]


def build_router() -> Router:
    router = Router()
    for area in areas():
        for route in area.commands:
            router.add_route(route)
        router.fallback = area.fallback or router.fallback
        router.on_joined = area.on_joined or router.on_joined
        router.on_recalled = area.on_recalled or router.on_recalled
    name, zh, en = HELP
    router.add(name, zh, en, make_help(router))
    return router


def build_actions() -> dict[str, ActionHandler]:
    return _merged("button action", [area.actions for area in areas()])


def build_card_views() -> dict[str, CardView]:
    return _merged("card view", [area.card_views for area in areas()])


def build_jobs() -> list[JobDef]:
    """Recurring scans (SLA escalations, digests, reminders …), run by the scheduler."""
    return [job for area in areas() for job in area.jobs()]


def build_report_filer() -> ReportFiler:
    """How a report is filed and posted: the tickets area's way, for every area (登记 too)."""
    return TicketFiler()


def _merged(what: str, tables: list) -> dict:  # noqa: ANN001
    merged: dict = {}
    for table in tables:
        for key, value in table.items():
            if key in merged:
                raise ValueError(f"{what} {key!r} is declared by two areas")
            merged[key] = value
    return merged
