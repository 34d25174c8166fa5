"""Capture keeps rows only while they can matter: the job "capture.upkeep" deletes lone photos
(and sentences that waited for a photo) once the attach window is over, offers nobody answered
after [capture] keep_unanswered_days, and offer claims once they cannot count; filed drafts
stay and still answer a late press. Through the Feishu edge, on the fixed clock, by the job
as the scheduler runs it."""
from __future__ import annotations

from sqlalchemy import select

from bot import keys
from domain.store.models import ReportDraft, ScheduledRun
from handlers.capture.jobs import purge
from tests.capture.photos import send_photo
from tests.platforms.feishu.conftest import SITE
from tests.platforms.feishu.driver import buttons, card_texts

HAZARD = "5号楼电梯口有钢筋没人管，很危险"
FILED = "二层楼板那个预留洞口没盖板，差点有人踩下去"
WAITED = "3号楼楼梯间这里看一下"     # borderline: kept for a photo that never comes
DM_LI = "oc_dm_li"


async def _rows(feishu) -> tuple[list[str], list[str]]:
    async with feishu.app[keys.STORE].transaction() as tx:
        drafts = await tx.session.scalars(select(ReportDraft).order_by(ReportDraft.id))
        claims = await tx.session.scalars(select(ScheduledRun.key).where(ScheduledRun.key.like("capture:%")))
        return [d.text or "📷" for d in drafts], sorted(k.rsplit(":", 2)[0] if "limit" in k else "offered"
                                                         for k in claims)


async def test_rows_go_once_they_cannot_matter(feishu, clock):
    runner = feishu.app[keys.JOBS]
    window = runner.deps.rules.attach_window_minutes
    keep_days = runner.deps.capture.keep_unanswered_days
    feishu.fake.chats.add(DM_LI)
    await send_photo(feishu, "ou_zhao", SITE)                      # a lone photo
    await feishu.say("ou_wang", SITE, WAITED, at_bot=False)        # waits for a photo
    await feishu.say("ou_li", SITE, HAZARD, at_bot=False)          # offered, never answered
    [offer] = feishu.cards("ou_li")
    await feishu.say("ou_chen", SITE, FILED)                       # asked the bot, then filed
    [proposal] = [c for c in feishu.cards(SITE) if FILED in card_texts(c.body)]
    await feishu.click("ou_chen", SITE, proposal.message_id, buttons(proposal.body)["登记"])
    assert await _rows(feishu) == (["📷", WAITED, HAZARD, FILED],
                                   ["capture:limit", "capture:limit", "offered", "offered"])

    clock.advance(minutes=window - 1)
    assert await purge(runner) == (0, 0)                           # a photo could still join them
    clock.advance(minutes=2)
    assert await purge(runner) == (2, 2)                           # both limit claims are old too
    assert await _rows(feishu) == ([HAZARD, FILED], ["offered", "offered"])

    clock.advance(days=keep_days)
    assert await purge(runner) == (1, 1)
    assert await _rows(feishu) == ([FILED], [])
    assert await purge(runner) == (0, 0)
    # The unanswered offer is gone: pressing it now says so and files nothing.
    late = await feishu.click("ou_li", DM_LI, offer.message_id, buttons(offer.body)["登记"])
    assert late["toast"]["type"] == "warning"
    # The filed one still answers with its ticket.
    again = await feishu.click("ou_chen", SITE, proposal.message_id, buttons(proposal.body)["登记"])
    assert "T-1" in again["toast"]["content"]


async def test_the_job_is_scheduled(feishu):
    from handlers.registry import build_jobs
    assert [job.seconds for job in build_jobs() if job.name == "capture.upkeep"] == [3600]


async def test_no_thanks_frees_the_draft_for_the_next_proposal(feishu):
    """不用了 deletes the draft and its offer claim: on SQLite the next draft may get the same
    id, and must still be proposed."""
    await feishu.say("ou_li", SITE, HAZARD)
    [first] = [c for c in feishu.cards(SITE) if "要登记为工单吗？" in card_texts(c.body)]
    await feishu.click("ou_li", SITE, first.message_id, buttons(first.body)["不用了"])
    assert await _rows(feishu) == ([], [])
    await feishu.say("ou_li", SITE, FILED)
    proposals = [c for c in feishu.cards(SITE) if "要登记为工单吗？" in card_texts(c.body)]
    assert len(proposals) == 2 and FILED in card_texts(proposals[-1].body)


async def test_drafts_are_read_by_person_and_chat_through_an_index(store):
    """Migration 0014: every photo and sentence capture judges reads "this person's draft in
    this chat"."""
    from sqlalchemy import inspect

    def indexes(connection) -> dict:
        return {i["name"]: i["column_names"] for i in inspect(connection).get_indexes("report_drafts")}

    async with store.engine.connect() as connection:
        found = await connection.run_sync(indexes)
    assert found["ix_report_drafts_person_chat"] == ["person_id", "platform", "chat_id"]
