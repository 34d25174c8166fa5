"""Approvals that wait too long: the approver is reminded after `remind_after_minutes`, and
the approver's superior (`Person.superior_id`) is told after `escalate_after_minutes`.
Each (change, step, level) is claimed once (`change-remind:C-7:step2`), so two processes or a
catch-up after downtime never send twice. Also the start-up check of the chain rules."""
from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from domain.changes.rules import ChangeRules
from domain.changes.service import PENDING, number
from domain.store.uow import Store
from handlers.changes.cards import change_card
from handlers.chat.contract import Text
from handlers.chat.jobs import Effect, JobDef, JobRunner

log = logging.getLogger(__name__)


async def scan_approvals(runner: JobRunner) -> None:
    rules = runner.deps.changes
    now = runner.clock()
    remind_before = now - timedelta(minutes=rules.remind_after_minutes)
    escalate_before = now - timedelta(minutes=rules.escalate_after_minutes)
    async with runner.reading() as tx:
        due = [(c.id, s.seq, s.activated_at) for c, s in await tx.changes.current_steps_since(remind_before)]
    for change_id, seq, activated_at in due:
        await runner.once(f"change-remind:{number(change_id)}:step{seq}",
                          partial(_remind, change_id, seq, "remind"))
        if activated_at <= escalate_before:
            await runner.once(f"change-escalate:{number(change_id)}:step{seq}",
                              partial(_remind, change_id, seq, "escalate"))


async def _remind(change_id: int, seq: int, level: str, effect: Effect) -> None:
    tx = effect.tx
    change = await tx.changes.get(change_id)
    steps = await tx.changes.steps(change_id) if change else []
    step = next((s for s in steps if s.seq == seq), None)
    if change is None or step is None or change.status != PENDING or step.status != PENDING:
        return  # decided or withdrawn since the scan read it: nothing to say, ever
    approver = await tx.people.get(step.approver_id)
    target = approver
    if level == "escalate":
        target = await tx.people.get(approver.superior_id) if approver.superior_id else None
    waited = int((effect.now - step.activated_at).total_seconds() // 3600)
    told = None
    if target is not None:
        locale = target.locale or effect.deps.default_locale
        text = effect.t(locale, f"change.{level}_text", number=number(change.id), title=change.title,
                        name=approver.name, hours=waited)
        card = await change_card(tx, effect.deps, str(change.id), locale)
        if await effect.notify(target, lambda _l: Text(text), f"{level}-text"):
            await effect.notify(target, lambda _l: card, f"{level}-card")
            told = target.id
    if told is None:
        log.warning("change %s step %s: nobody to %s (approver %s has %s)", number(change.id), seq,
                    level, approver.name, "no superior" if level == "escalate" else "no chat identity")
    tx.audit.append(at=effect.now, actor_id=None, platform=None, action=f"change.{level}",
                    subject_type="change", subject_id=number(change.id),
                    data={"project_id": change.project_id, "step": seq, "approver_id": approver.id,
                          "told_id": told, "waited_hours": waited})


async def warn_role_gaps(store: Store, rules: ChangeRules) -> list[str]:
    """Start-up: name every role the chain rules use that nobody holds (such changes would be
    refused until an admin gives someone the role)."""
    gaps = []
    async with store.transaction() as tx:
        for role, rule_names in rules.named_roles().items():
            if not await tx.changes.anyone_holds(role):
                gaps.append(role.value)
                log.warning("changes: no active person holds role %r, named by %s; changes that "
                            "need it will be refused until someone is given it", role.value,
                            ", ".join(repr(n) for n in rule_names))
    return gaps


SCAN_SECONDS = 300  # reminders are counted in hours; a five-minute look is plenty


def change_jobs() -> list[JobDef]:
    return [JobDef("changes.approvals", SCAN_SECONDS, scan_approvals)]
