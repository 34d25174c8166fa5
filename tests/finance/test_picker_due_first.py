"""The payment picker marks which milestone is due or overdue and puts it first (issue 16)."""
from __future__ import annotations

SITE = "p001-site"


async def picker_labels(console, text: str) -> list[str]:  # noqa: ANN001
    await console.say("u-qian", SITE, text)
    picker = await console.last_bot(SITE)
    return [a["label"] for a in picker["body"]["actions"]]


async def test_due_and_overdue_milestones_are_marked_and_first(console):
    labels = await picker_labels(console, "回款 P-001 20万")
    assert labels[0] == "⚠️ 进度款（基础完成） · 待收 ¥2,560,000.00 · 已逾期 59 天"
    assert labels[1] == "进度款（主体封顶） · 待收 ¥3,840,000.00"                # not reached: no date

    await console.say("u-qian", SITE, "回款 P-001 ¥2,560,000.00")             # the overdue one paid
    await console.say("u-chen", SITE, "完成 竣工验收")                         # sets 结算款 / 质保金 due
    labels = await picker_labels(console, "回款 P-001 20万")
    # The schedule's order would put 主体封顶 first; what is due comes first, soonest first.
    assert labels == ["结算款 · 待收 ¥4,480,000.00 · 2027-01-22 到期",
                      "质保金 · 待收 ¥640,000.00 · 2028-11-22 到期",
                      "进度款（主体封顶） · 待收 ¥3,840,000.00"]
