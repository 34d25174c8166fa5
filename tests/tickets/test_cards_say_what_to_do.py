"""Issue 16, "Cards that say what to do": an escalated ticket's card leads with 接管 for the
manager it was escalated to (接单 is the assignee's); a paused ticket says so in the card's
status line (the only thing a DingTalk group or WeCom group sees of a change); contact
preferences are shown as words, not internal values."""
from __future__ import annotations

from bot.paths import TEMPLATES_DIR
from handlers.chat.i18n import Catalog
from tests.console_driver import note
from tests.tickets.helpers import SITE, cards, labels, report, run_scan


def primary(message: dict) -> list[str]:
    return [a["label"] for a in message["body"]["actions"] if a.get("style") == "primary"]


async def test_escalated_card_leads_with_take_over(console, clock):
    await report(console)
    clock.advance(minutes=30)
    await run_scan(console)                                # the warning, then 项目部
    [escalated] = await cards(console, "dm", "u-chen")
    assert labels(escalated)[0] == "接管" and primary(escalated) == ["接管"]
    assert "接单" in labels(escalated)                     # still there for the assignee


def test_contact_preference_is_a_word_not_an_internal_value():
    catalog = Catalog(TEMPLATES_DIR / "i18n")
    line = catalog.t("zh-CN", "customer.contact_line", name="王总", title="业主", phone="138", channel="console")
    assert line.endswith("偏好 网页") and "console" not in line
    assert catalog.t("en", "customer.contact_line", name="Wang", title="owner", phone="138",
                     channel="wecom").endswith("prefers WeCom")


async def test_a_paused_ticket_says_so_in_its_status_line(console, clock):
    card = await report(console)
    await console.press("u-zhao", SITE, card, "接单")
    [now] = [m for m in await console.bot_messages(SITE) if m["id"] == card["id"]]
    await console.press("u-zhao", SITE, now, "等待材料")
    [now] = [m for m in await console.bot_messages(SITE) if m["id"] == card["id"]]
    assert "已暂停计时：等待材料" in note(now["body"])
