"""A year of a contractor's activity, seeded with Core bulk inserts (a few seconds, not the
hours the chat would take): 200 projects with their people, plans, contracts and payment
schedules, ~50,000 tickets with SLA deadlines, acceptance and resolution times, escalation
events and satisfaction answers, ~10,000 site logs, ~2,000 payments, 500 opportunities with
their audited funnel moves, NPS answers, approved changes, and audit-log noise the size a year
of tickets leaves. Deterministic (one random seed)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from domain.store.models import (AuditEntry, ChangeRequest, Contract, Customer, DailyLog, Identity, Milestone,
                                 Opportunity, Payment, PaymentMilestone, Person, Project, ProjectMember, Ticket,
                                 TicketEvent, TicketSurvey)
from domain.store.models.reports import NpsSurvey

SLA = {"high": (30, 240), "medium": (120, 1440), "low": (480, 4320)}   # accept, resolve minutes
CATEGORIES = ["quality"] * 5 + ["safety"] * 3 + ["progress"] * 2 + ["technical", "material", "coordination",
                                                                  "complaint"]
SEVERITIES = ["high"] * 2 + ["medium"] * 5 + ["low"] * 3
STAGES = ["contact", "needs", "proposal", "negotiation"]
HEAD = ("周主管", "dept_head")
SITE_FIRST = 24   # people before it: 4 head-office, 20 managers; then 4 per project


class Seeder:
    def __init__(self, conn: Any, now: datetime, sizes: dict[str, int]) -> None:
        self.conn, self.now, self.sizes = conn, now, sizes
        self.random = random.Random(15)
        self.ids: dict[str, int] = {}

    async def rows(self, model: type, rows: list[dict]) -> None:
        for start in range(0, len(rows), 5000):
            await self.conn.execute(insert(model.__table__), rows[start:start + 5000])

    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    async def people(self) -> list[int]:
        """The head office (with console identities, so the bench can speak as them), 20 project
        managers, and three site people and a customer contact per project."""
        names = [HEAD, ("吴客服", "hq_service"), ("钱会计", "finance"), ("郑销售", "sales")]
        names += [(f"经理{i:02d}", None) for i in range(20)]
        count = len(names) + 4 * self.sizes["projects"]
        persons = [{"id": i + 1, "name": names[i][0] if i < len(names) else f"员工{i:04d}",
                    "locale": "zh-CN", "is_admin": False, "active": True, "created_at": self.at(400),
                    "org_roles": [names[i][1]] if i < len(names) and names[i][1] else []}
                   for i in range(count)]
        await self.rows(Person, persons)
        await self.rows(Identity, [{"person_id": p["id"], "platform": "console", "external_id": p["name"],
                                    "alt_ids": {}, "display_name": p["name"], "created_at": self.at(400)}
                                   for p in persons[:len(names)]])
        return [p["id"] for p in persons]

    async def projects(self, people: list[int]) -> list[int]:
        n, first_site = self.sizes["projects"], SITE_FIRST
        await self.rows(Customer, [{"id": c + 1, "name": f"客户{c:03d}", "type": "developer", "grade": "B",
                                    "tags": [], "created_at": self.at(400)} for c in range(n // 3)])
        await self.rows(Project, [{"id": p + 1, "code": f"P-{p + 1:03d}", "name": f"项目{p + 1:03d}",
                                   "customer_id": p % (n // 3) + 1, "status": "active",
                                   "assignment_rules": {}, "calendar": {}, "created_at": self.at(380)}
                                  for p in range(n)])
        members = []
        for p in range(n):
            site = people[first_site + 4 * p: first_site + 4 * p + 4]
            members += [{"project_id": p + 1, "person_id": people[4 + p % 20], "role": "project_manager"},
                        {"project_id": p + 1, "person_id": site[0], "role": "quality_officer"},
                        {"project_id": p + 1, "person_id": site[1], "role": "safety_officer"},
                        {"project_id": p + 1, "person_id": site[2], "role": "foreman"},
                        {"project_id": p + 1, "person_id": site[3], "role": "customer_contact"}]
        await self.rows(ProjectMember, [{**m, "created_at": self.at(380)} for m in members])
        return [p + 1 for p in range(n)]

    async def plans(self, projects: list[int]) -> None:
        today = self.now.date()
        milestones, contracts, schedule = [], [], []
        for pid in projects:
            start = today - timedelta(days=self.random.randint(100, 360))
            for seq in range(5):
                planned = start + timedelta(days=80 * (seq + 1))
                reached = planned + timedelta(days=self.random.randint(-10, 25))
                done = reached <= today
                milestones.append({"id": pid * 10 + seq, "project_id": pid, "name": f"节点{seq + 1}", "seq": seq,
                                   "weight": 20, "planned_start": planned - timedelta(days=80),
                                   "planned_end": planned, "actual_start": planned - timedelta(days=80),
                                   "actual_end": reached if done else None,
                                   "progress": 100 if done else self.random.randint(0, 90)})
            value = Decimal(self.random.randint(500, 5000)) * 10000
            contracts.append({"id": pid, "project_id": pid, "number": f"HT-{pid:04d}", "title": "施工合同",
                              "value": value, "signed_on": start, "created_at": self.at(380)})
            for seq, share in enumerate((10, 30, 30, 30)):
                schedule.append({"id": pid * 10 + seq, "contract_id": pid, "seq": seq, "kind": "progress",
                                 "name": f"第{seq + 1}笔", "amount": value * share / 100, "percent": share,
                                 "due_date": start + timedelta(days=90 * seq + 10), "status": "pending",
                                 "trigger_offset_days": 0})
        await self.rows(Milestone, milestones)
        await self.rows(Contract, contracts)
        await self.rows(PaymentMilestone, schedule)
        self.schedule = schedule

    async def payments(self) -> None:
        today, rows = self.now.date(), []
        due = [s for s in self.schedule if s["due_date"] <= today]
        for number in range(self.sizes["payments"]):
            item = self.random.choice(due)
            paid_on = min(item["due_date"] + timedelta(days=self.random.randint(-5, 60)), today)
            rows.append({"payment_milestone_id": item["id"], "amount": (item["amount"] / 3).quantize(Decimal("0.01")),
                         "paid_on": paid_on, "recorded_by": 3, "ref": f"bench:{number}", "created_at": self.at(1)})
        await self.rows(Payment, rows)

    async def tickets(self, projects: list[int], people: list[int]) -> None:
        tickets, events, surveys, audit = [], [], [], []
        for number in range(1, self.sizes["tickets"] + 1):
            pid = self.random.choice(projects)
            severity, category = self.random.choice(SEVERITIES), self.random.choice(CATEGORIES)
            accept, resolve = (timedelta(minutes=m) for m in SLA[severity])
            created = self.at(self.random.uniform(0, 365))
            accepted = created + accept * self.random.uniform(0.1, 1.6)
            resolved = created + resolve * self.random.uniform(0.2, 1.4)
            open_now = resolved > self.now
            closed = None if open_now else min(resolved + timedelta(hours=self.random.uniform(0, 48)), self.now)
            tickets.append({
                "id": number, "project_id": pid, "title": f"问题{number}", "description": "bench",
                "category": category, "severity": severity,
                "status": "in_progress" if open_now else "closed",
                "reporter_id": people[SITE_FIRST + 4 * (pid - 1) + 2],
                "assignee_id": people[SITE_FIRST + 4 * (pid - 1)], "accept_due_at": created + accept,
                "resolve_due_at": created + resolve, "accepted_at": min(accepted, self.now),
                "resolved_at": None if open_now else resolved, "closed_at": closed,
                "created_at": created, "updated_at": closed or created, "sla_banked_seconds": 0,
                "sla_since": created if open_now else None, "accept_from_seconds": 0, "escalation_level": 1,
                "escalation_repeats": 0, "warned_accept": False, "warned_resolve": False,
                "next_due_at": created + resolve if open_now else None, "visibility": "internal",
                "reopen_count": 1 if self.random.random() < 0.05 else 0, "version": 1})
            events.append({"ticket_id": number, "at": created, "kind": "created", "data": {}})
            if accepted > created + accept:
                events.append({"ticket_id": number, "at": created + accept, "kind": "escalated", "data": {"level": 2}})
            audit += [{"at": created, "action": "ticket.created", "subject_type": "ticket",
                       "subject_id": f"T-{number}", "data": {}},
                      {"at": created + accept, "action": "ticket.accepted", "subject_type": "ticket",
                       "subject_id": f"T-{number}", "data": {}}]
            if closed is not None and self.random.random() < 0.6:
                answered = self.random.random() < 0.7
                surveys.append({"ticket_id": number, "project_id": pid, "assignee_id": tickets[-1]["assignee_id"],
                                "respondent_id": tickets[-1]["reporter_id"], "sent_at": closed,
                                "score": self.random.randint(1, 5) if answered else None,
                                "answered_at": closed + timedelta(hours=2) if answered else None})
        await self.rows(Ticket, tickets)
        await self.rows(TicketEvent, [{**e, "actor_id": None} for e in events])
        await self.rows(TicketSurvey, surveys)
        await self.rows(AuditEntry, audit)

    async def logs(self, projects: list[int], people: list[int]) -> None:
        today, seen, rows = self.now.date(), set(), []
        while len(rows) < self.sizes["logs"]:
            pid, day = self.random.choice(projects), today - timedelta(days=self.random.randint(0, 364))
            if (pid, day) not in seen:
                seen.add((pid, day))
                rows.append({"project_id": pid, "log_date": day, "author_id": people[SITE_FIRST + 4 * (pid - 1) + 2],
                             "work_done": "今日施工", "photos": [], "created_at": self.at(1)})
        await self.rows(DailyLog, rows)

    async def sales(self, people: list[int]) -> None:
        customers = self.sizes["projects"] // 3
        opportunities, moves, changes, nps = [], [], [], []
        for number in range(1, self.sizes["opportunities"] + 1):
            created = self.at(self.random.uniform(0, 365))
            steps = self.random.randint(0, 4)
            stage, at, closed = "contact", created, None
            for step in range(steps):
                at = at + timedelta(days=self.random.uniform(3, 30))
                if at > self.now:
                    break
                target = (STAGES + ["won"])[step + 1] if self.random.random() < 0.75 else "lost"
                moves.append({"at": at, "action": "opportunity.move", "subject_type": "opportunity",
                              "subject_id": str(number), "data": {"from": stage, "to": target}})
                stage = target
                if target in ("won", "lost"):
                    closed = at
                    break
            opportunities.append({"id": number, "customer_id": self.random.randint(1, customers),
                                  "title": f"商机{number}", "stage": stage, "probability": 10,
                                  "amount": Decimal(self.random.randint(100, 3000)) * 10000, "owner_id": 4,
                                  "created_at": created, "closed_at": closed})
        for number in range(300):
            decided = self.at(self.random.uniform(0, 365))
            changes.append({"project_id": self.random.randint(1, self.sizes["projects"]), "kind": "schedule",
                            "title": "工期调整", "reason": "bench", "days_delta": self.random.randint(1, 20),
                            "status": "approved", "requester_id": people[4], "attachments": [],
                            "created_at": decided - timedelta(days=1), "decided_at": decided, "version": 1,
                            "effect": {}})
        for number in range(600):
            pid = self.random.randint(1, self.sizes["projects"])
            sent = self.at(self.random.uniform(0, 365))
            nps.append({"occasion": f"bench:{number}", "respondent_id": people[SITE_FIRST + 4 * (pid - 1) + 3],
                        "customer_id": (pid - 1) % customers + 1, "project_id": pid, "sent_at": sent,
                        "score": self.random.randint(0, 10), "answered_at": sent + timedelta(hours=5)})
        await self.rows(Opportunity, opportunities)
        await self.rows(AuditEntry, moves)
        await self.rows(ChangeRequest, changes)
        await self.rows(NpsSurvey, nps)

    async def all(self) -> None:
        people = await self.people()
        projects = await self.projects(people)
        await self.plans(projects)
        await self.payments()
        await self.tickets(projects, people)
        await self.logs(projects, people)
        await self.sales(people)


def bench_now() -> datetime:
    """A Monday, 10:00 in Shanghai."""
    return datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def today() -> date:
    return bench_now().date()
