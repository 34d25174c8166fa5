"""Demo progress: a week of daily logs on P-001 and P-002, a milestone running late on P-002,
and P-002's digest half an hour earlier than the default (its own digest_time)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.store.models import DailyLog, MilestoneUpdate
from domain.store.uow import Tx

LOGS = [  # (days ago, work done, weather, crew, issues)
    (1, "5层顶板钢筋绑扎完成，模板支设验收通过", "晴", 42, None),
    (2, "5层墙柱混凝土浇筑 86 方", "多云", 38, "泵车晚到 1 小时"),
    (3, "4层拆模，5层墙柱钢筋绑扎", "阴", 35, None),
    (4, "4层顶板混凝土养护，材料进场验收", "小雨", 20, "雨天暂停室外作业半天"),
    (6, "4层顶板混凝土浇筑 120 方", "晴", 45, None),
]


async def seed_progress_demo(tx: Tx, now: datetime, tz: ZoneInfo) -> None:
    today = now.astimezone(tz).date()
    projects = {p.code: p for p in await tx.projects.all()}
    foreman = {p.name: p for p in await tx.people.by_name("李工长")}.get("李工长")
    if not projects or foreman is None:
        return
    for code in ("P-001", "P-002"):
        project = projects.get(code)
        if project is None:
            continue
        for days, work, weather, crew, issues in LOGS:
            tx.add(DailyLog(project_id=project.id, log_date=today - timedelta(days=days),
                            author_id=foreman.id, weather=weather, work_done=work, crew_count=crew,
                            issues=issues, photos=[], cost=None, internal_note=None,
                            created_at=now - timedelta(days=days)))
    late = projects.get("P-002")
    if late is not None:
        late.digest_time = "17:30"
        milestones = await tx.projects.milestones(late.id)
        running = next((m for m in milestones if m.actual_start and not m.actual_end), None)
        if running is not None:   # behind its plan: the digest and the page flag it
            tx.add(MilestoneUpdate(milestone_id=running.id, project_id=late.id,
                                   at=now - timedelta(days=2), actor_id=foreman.id, kind="progress",
                                   old_progress=running.progress, new_progress=10))
            running.progress = 10
    await tx.flush()
