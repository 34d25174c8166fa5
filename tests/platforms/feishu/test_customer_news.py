"""Issue 16 on Feishu: a customer group bound in chat hears, at once and in customer wording,
a milestone reached in the site group (the change's news: tests/setup/test_customer_news.py)."""
from __future__ import annotations

import json

from tests.platforms.feishu.conftest import SITE

OWNER = "oc_p001owner"


def texts(feishu, chat_id: str) -> list[str]:
    return [json.loads(m.content)["text"] for m in feishu.fake.sent(chat_id) if m.msg_type == "text"]


async def test_customer_group_hears_the_milestone_and_the_moved_plan(feishu):
    feishu.fake.chats.add(OWNER)
    await feishu.say("ou_chen", OWNER, "绑定 P-001 客户")
    bound = len(texts(feishu, OWNER))

    await feishu.say("ou_chen", SITE, "完成 主体结构封顶")
    [reached] = texts(feishu, OWNER)[bound:]
    assert "P-001" in reached and "里程碑「主体结构封顶」已于" in reached

    # Said in the site group only once: the site group gets its own line, not the customer's.
    assert not any("里程碑「主体结构封顶」已于" in t for t in texts(feishu, SITE))
