"""WeCom project groups see tickets: a report made to the app one-to-one (every WeCom report:
app callbacks are one-to-one) is posted to the project's appchat group at once, and each
state change after it reaches the group too (as a new message: appchat messages cannot be
edited); a customer group gets none of it."""
from __future__ import annotations

from tests.platforms.wecom.conftest import deliver


def group_texts(fake, chatid: str) -> list[str]:  # noqa: ANN001
    out = []
    for body in fake.sent("appchat/send"):
        if body["chatid"] == chatid:
            out.append(body["markdown"]["content"] if body["msgtype"] == "markdown" else
                       body.get("text", {}).get("content", ""))
    return out


async def test_a_one_to_one_report_and_its_changes_reach_the_project_group(wecom, fake_wecom, wecom_app):
    await wecom.text("ChenJingLi", "建群 P-001")
    await wecom.text("ChenJingLi", "建群 P-001 客户")
    team, customers = (c["chatid"] for c in fake_wecom.sent("appchat/create"))
    await deliver(wecom_app)
    before = len(group_texts(fake_wecom, team))

    await wecom.text("LiGongZhang", "报修 P-001 3号塔吊附近脚手架松动，安全隐患")
    await deliver(wecom_app)
    posted = group_texts(fake_wecom, team)[before:]
    assert len(posted) == 1 and "T-1" in posted[0] and "脚手架松动" in posted[0]
    assert not any("T-1" in text for text in group_texts(fake_wecom, customers))

    assigned = [b["template_card"] for b in fake_wecom.sent() if b["msgtype"] == "template_card"
                and b["touser"] != "LiGongZhang"][0]
    accept = next(b["key"] for b in assigned["button_list"] if b["text"] == "接单")
    assignee = next(b["touser"] for b in fake_wecom.sent() if b["msgtype"] == "template_card"
                    and b["template_card"]["task_id"] == assigned["task_id"])
    await wecom.post(wecom.click_xml(assignee, assigned["task_id"], accept, fake_wecom.issue_code()))
    await deliver(wecom_app)
    changed = group_texts(fake_wecom, team)[before + 1:]
    assert changed and "处理中" in changed[-1] and "T-1" in changed[-1]
