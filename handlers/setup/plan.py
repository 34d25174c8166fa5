"""节点: the plan. 节点 添加 P-001 主体结构封顶 计划 2027-03-25 权重 30 · 节点 修改 … · 节点 删除 … ·
节点 排序 P-001 基础完成 主体结构封顶 … · 节点 [P-001] (show)."""
from __future__ import annotations

from datetime import date

from domain.errors import InvalidInput
from domain.people import project_by_code
from domain.progress import plan_edit
from domain.progress.plan_edit import MilestoneEdit, NewMilestone
from domain.store.models import Project
from handlers.chat.context import Ctx
from handlers.setup.cards import project_key
from handlers.setup.people import staff_here
from handlers.setup.plan_cards import plan_card
from handlers.setup.words import ADD, EDIT, REMOVE, clean, pairs, parse_date, project_code

KEYS = {"计划": "end", "计划完成": "end", "完成日期": "end", "截止": "end", "开始": "start",
        "计划开始": "start", "权重": "weight", "名称": "name", "改名": "name", "plan": "end", "due": "end",
        "start": "start", "weight": "weight", "name": "name"}
ORDER = {"排序", "顺序", "order", "reorder"}


async def plan(ctx: Ctx, args: str) -> None:
    if not await staff_here(ctx):
        return
    words = args.split()
    verb = words[0].lower() if words else ""
    action = next((kind for kind, verbs in (("add", ADD), ("edit", EDIT), ("remove", REMOVE),
                                            ("order", ORDER)) if verb in verbs), None)
    project, rest = await _project(ctx, words[1:] if action else words)
    if project is None:
        ctx.say(ctx.t("setup.plan.usage"))
        return
    if action is None:
        if rest:
            ctx.say(ctx.t("setup.plan.usage"))
            return
        ctx.show(await plan_card(ctx.tx, ctx.deps, project, ctx.locale))
        return
    if not rest:
        raise InvalidInput(f"setup.plan.usage_{action}", code=project.code)
    today = ctx.now.astimezone(ctx.deps.timezone).date()
    if action == "add":
        said = await _add(ctx, project, rest, today)
    elif action == "edit":
        said = await _edit(ctx, project, rest, today)
    elif action == "remove":
        milestone = await plan_edit.milestone_named(ctx.tx, project, " ".join(rest))
        await plan_edit.remove_milestone(ctx.tx, ctx.person, project, milestone, ctx.now)
        said = ctx.t("setup.plan.removed", name=milestone.name)
    else:
        first = [await plan_edit.milestone_named(ctx.tx, project, w) for w in rest]
        await plan_edit.reorder(ctx.tx, ctx.person, project, first, ctx.now)
        said = ctx.t("setup.plan.reordered")
    ctx.say(said)
    ctx.show(await plan_card(ctx.tx, ctx.deps, project, ctx.locale))
    ctx.changed(project_key(project.id))


async def _project(ctx: Ctx, words: list[str]) -> tuple[Project | None, list[str]]:
    code = project_code(words[0]) if words else None
    if code is not None:
        return await project_by_code(ctx.tx, code), words[1:]
    return ctx.project, words


def _weight(word: str) -> int:
    text = clean(word).rstrip("%")
    if not text.isdigit():
        raise InvalidInput("setup.plan.bad_weight_word", word=word)
    return int(text)


def _dates(found: dict[str, str], today: date) -> tuple[date | None, date | None]:
    start = parse_date(found["start"], today) if "start" in found else None
    end = parse_date(found["end"], today) if "end" in found else None
    return start, end


async def _add(ctx: Ctx, project: Project, words: list[str], today: date) -> str:
    found, lead = pairs(words, KEYS)
    if not lead or "name" in found:
        raise InvalidInput("setup.plan.usage_add", code=project.code)
    start, end = _dates(found, today)
    weight = _weight(found["weight"]) if "weight" in found else 0
    milestone = await plan_edit.add_milestone(ctx.tx, ctx.person, project,
                                              NewMilestone(" ".join(lead), end, weight, start), ctx.now)
    return ctx.t("setup.plan.added", name=milestone.name, code=project.code)


async def _edit(ctx: Ctx, project: Project, words: list[str], today: date) -> str:
    found, lead = pairs(words, KEYS)
    if not lead or not found:
        raise InvalidInput("setup.plan.usage_edit", code=project.code)
    milestone = await plan_edit.milestone_named(ctx.tx, project, " ".join(lead))
    start, end = _dates(found, today)
    edit = MilestoneEdit(name=found.get("name"), planned_start=start, planned_end=end,
                         weight=_weight(found["weight"]) if "weight" in found else None)
    changed = await plan_edit.edit_milestone(ctx.tx, ctx.person, project, milestone, edit, ctx.now)
    return ctx.t("setup.plan.edited" if changed else "setup.plan.unchanged", name=milestone.name)
