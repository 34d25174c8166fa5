"""The acceptance PDF (job "site.acceptance_pdf"): a decided record is drawn as a PDF and sent
as a file into the chat it was asked in, once (a claim per record in scheduled_runs).

Not in the button's handler: drawing takes seconds (cutting the CJK font, the first time on a
machine), which a card press answered within Feishu's few seconds cannot spare;
the decision and the redrawn cards go at once, the file follows within a pass."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from domain.store.models import Person, Project
from domain.store.models.site import AcceptanceRecord
from handlers.chat.context import Deps
from handlers.chat.contract import FILE_MAX, File, Target, Text
from handlers.chat.effect import Effect
from handlers.chat.jobs import JobDef, JobRunner
from handlers.site.pdf import Translate, acceptance_pdf

log = logging.getLogger(__name__)
EVERY_SECONDS = 5
LOOK_BACK = timedelta(days=2)   # decisions older than this were sent (or never will be)


def pdf_key(record_id: int) -> str:
    return f"acceptance:pdf:{record_id}"


async def send_pdfs(runner: JobRunner) -> int:
    """One pass; returns how many PDFs went out."""
    async with runner.reading() as tx:
        waiting = [r.id for r in await tx.site.decided_since(runner.clock() - LOOK_BACK)
                   if not await tx.runs.done(pdf_key(r.id))]
    sent = 0
    for record_id in waiting:
        sent += await runner.once(pdf_key(record_id), lambda effect, i=record_id: _send(effect, i))
    return sent


async def _send(effect: Effect, record_id: int) -> None:
    tx, deps = effect.tx, effect.deps
    record: AcceptanceRecord | None = await tx.site.acceptance(record_id)
    if record is None or not record.platform or not record.chat_id:
        return
    project = await tx.projects.get(record.project_id)
    requester = await tx.people.get(record.requester_id)
    decider = await tx.people.get(record.decided_by_id) if record.decided_by_id else None
    locale = deps.default_locale
    t = lambda key, **p: deps.t(locale, key, **p)  # noqa: E731
    data = await asyncio.to_thread(_drawn, deps, t, record, project, requester, decider)
    here = Target(record.platform, "chat", record.chat_id)
    if data is None or len(data) > FILE_MAX:
        log.warning("acceptance %s: no PDF (%s)", record.number, "no CJK font" if data is None else "too large")
        effect.post(here, Text(t("site.accept.no_pdf")), "acceptance_pdf", locale)
        return
    name = t("site.accept.file_name", number=record.number, subject=record.subject[:40])
    effect.post(here, File(name, data), "acceptance_pdf", locale)


def _drawn(deps: Deps, t: Translate, record: AcceptanceRecord, project: Project, requester: Person | None,
           decider: Person | None) -> bytes | None:
    """Off the loop: the photos read from where the edge kept them, and the PDF drawn."""
    refs = [a.get("ref") for a in record.attachments or [] if a.get("kind", "image") == "image"]
    found = [deps.photos.read(ref) for ref in refs if ref] if deps.photos is not None else []
    photos = [data for data in found if data is not None]
    if len(photos) < len(refs):
        log.info("acceptance %s: %d of %d photos readable", record.number, len(photos), len(refs))
    return acceptance_pdf(t, deps.local, record, project, requester, decider, photos)


def site_jobs() -> list[JobDef]:
    return [JobDef("site.acceptance_pdf", EVERY_SECONDS, send_pdfs)]
