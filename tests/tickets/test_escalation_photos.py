"""The escalation card counts the ticket's photos: the pass reads every due ticket's photo
count in one query (handlers/tickets/jobs.py `_read_ahead`), and each card must show its
own ticket's count — and no photo row for a ticket without any."""
from __future__ import annotations

from tests.console_driver import field
from tests.tickets.helpers import SITE, cards, report, run_scan
from tests.tickets.test_lifecycle_console import send


async def test_each_escalation_card_shows_its_own_tickets_photo_count(console, clock):
    await report(console, "报修 6号楼2层卫生间渗水，比较急")              # T-1
    clock.advance(minutes=1)
    await send(console, "u-li", SITE, attachments=[{"kind": "image", "ref": "/media/a.jpg"},
                                                   {"kind": "image", "ref": "/media/b.jpg"}])
    assert await console.last_text(SITE) == "已添加到工单 T-1：2 张照片。"
    await report(console)                                                # T-2, no photos
    clock.advance(minutes=30)
    assert await run_scan(console) >= 2                                  # both at 项目部
    for user in ("u-chen", "u-zhou"):
        sent = {c["body"]["card_key"]: c["body"] for c in await cards(console, "dm", user)}
        assert field(sent["ticket:1"], "照片") == "2 张"
        assert "照片" not in [item["label"] for block in sent["ticket:2"]["blocks"]
                              if block["type"] == "fields" for item in block["items"]]
