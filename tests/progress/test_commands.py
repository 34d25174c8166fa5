"""Progress from chat, through the web console: 进度 / 完成 / 日志, the confirm card for unusual
values, closest-name suggestions, 无权限, and the customer's own view."""
from __future__ import annotations

from tests.console_driver import card_text
from tests.progress.helpers import OWNER, SITE, milestone, say_with_photos


async def test_update_progress_and_show_the_card(console):
    await console.say("u-li", SITE, "进度 主体结构 85%")
    # weights 20/35/20/15/10, 基础完成 100 % → (2000 + 35×85) / 100 = 49.75
    assert await console.last_text(SITE) == "已更新：主体结构封顶 40% → 85%（项目总进度 50%）"
    await console.say("u-li", SITE, "进度")
    card = (await console.last_bot(SITE))["body"]
    assert card["title"] == "项目进度 · P-001 滨江花园 5 号楼"
    assert {"type": "progress", "label": "总进度", "percent": 50} in card["blocks"]
    text = card_text(card)
    assert "主体结构封顶 · 85%" in text and "基础完成 · 已完成" in text
    link = next(a for a in card["actions"] if a["type"] == "link")
    assert link["label"] == "查看详情" and "/p/P-001." in link["url"]


async def test_lower_value_asks_to_confirm_and_cancel_changes_nothing(console):
    await console.say("u-li", SITE, "进度 主体结构封顶 30")
    ask = await console.last_bot(SITE)
    assert ask["body"]["title"] == "请确认进度"
    assert "现在是 40%" in card_text(ask["body"])
    assert (await milestone(console.app, "P-001", "主体结构封顶")).progress == 40
    out = await console.press("u-li", SITE, ask, "取消")
    assert out["toast"]["text"] == "已取消，进度未改动"
    assert (await milestone(console.app, "P-001", "主体结构封顶")).progress == 40
    # Someone outside the site team cannot confirm it either.
    out = await console.press("u-liu", SITE, ask, "确定调为 30%")
    assert out["toast"] == {"text": "无权限", "kind": "error"}
    out = await console.press("u-li", SITE, ask, "确定调为 30%")
    assert out["toast"]["text"] == "已更新"
    texts = [m["body"].get("text") for m in (await console.bot_messages(SITE))[-2:]]
    # 30 % after 92 days: at this pace it ends long after its plan, and the answer says so.
    assert texts[0] == "已更新：主体结构封顶 40% → 30%（项目总进度 31%）"
    assert texts[1].startswith("⚠️ 按目前速度，主体结构封顶 预计") and "比计划晚" in texts[1]
    # The same confirm card pressed again is stale: the value moved on.
    out = await console.press("u-li", SITE, ask, "确定调为 30%")
    assert "刚被其他人更新过" in out["toast"]["text"]


async def test_above_100_asks_to_mark_it_reached(console):
    await console.say("u-chen", SITE, "进度 主体结构 120%")
    ask = await console.last_bot(SITE)
    assert "不能超过 100%" in card_text(ask["body"])
    assert (await milestone(console.app, "P-001", "主体结构封顶")).progress == 40
    await console.press("u-chen", SITE, ask, "标记 100%")
    assert (await console.last_text(SITE)).startswith("🎉 里程碑「主体结构封顶」已完成（2026-11-23）")
    reached = await milestone(console.app, "P-001", "主体结构封顶")
    assert reached.progress == 100 and str(reached.actual_end) == "2026-11-23"


async def test_complete_marks_the_milestone_and_a_repeat_says_so(console):
    await console.say("u-chen", SITE, "完成 主体结构封顶")
    assert "已完成（2026-11-23），项目总进度 55%" in await console.last_text(SITE)
    await console.say("u-chen", SITE, "完成 主体结构封顶")
    assert await console.last_text(SITE) == "里程碑「主体结构封顶」已于 2026-11-23 完成，无需重复标记。"


async def test_unknown_milestone_suggests_the_closest_names(console):
    await console.say("u-li", SITE, "进度 装修工程 50%")
    answer = await console.last_text(SITE)
    assert answer.startswith("P-001 没有叫「装修工程」的里程碑。您是不是要找：")
    assert "装饰装修" in answer
    await console.say("u-li", SITE, "完成 封顶")        # part of one name: asked first, by its full name
    assert "主体结构封顶" in await console.last_text(SITE)


async def test_bad_values_and_missing_roles_change_nothing(console):
    await console.say("u-li", SITE, "进度 主体结构 -5%")
    assert await console.last_text(SITE) == "进度应在 0–100% 之间，收到的是 -5%。"
    for user in ("u-liu", "u-zhao"):   # the customer, and a quality officer (not an editor)
        await console.say(user, SITE, "进度 主体结构 90%")
        assert await console.last_text(SITE) == "无权限"
    assert (await milestone(console.app, "P-001", "主体结构封顶")).progress == 40


async def test_daily_log_with_photos_and_a_second_message_adds_to_it(console):
    await say_with_photos(console, "u-li", SITE,
                          "日志 今日完成5层顶板钢筋绑扎，天气 晴，人数 35，问题：塔吊检修停工2小时", 2)
    assert await console.last_text(SITE) == "✅ 已记录 11-23 施工日志（照片 2 张）。"
    await say_with_photos(console, "u-li", SITE, "日志 下午浇筑墙柱混凝土 费用 3200 内部：钢筋损耗偏大", 1)
    texts = [m["body"].get("text") for m in (await console.bot_messages(SITE))[-2:]]
    assert texts == ["✅ 已记录 11-23 施工日志（照片 3 张），已补充到今天的日志。",
                     "内部备注与费用只在内部可见，不会发给客户。"]


async def test_log_from_someone_not_on_the_project_is_refused(console):
    await console.say("u-zhao", "p002-site", "日志 今日完成三层砌筑")   # 赵质检 is not on P-002
    assert await console.last_text("p002-site") == "无权限"
    await console.say("u-liu", OWNER, "日志 今天来看了现场")           # a customer contact
    assert await console.last_text(OWNER) == "无权限"


async def test_customer_sees_their_project_and_unbound_chat_explains_binding(console):
    await console.say("u-liu", OWNER, "进度")
    card = (await console.last_bot(OWNER))["body"]
    assert card["title"] == "项目进度 · P-001 滨江花园 5 号楼"
    await console.say("u-liu", "some-new-group", "进度")
    assert "本群还没有绑定项目" in await console.last_text("some-new-group")
    # A customer group is about its own project only (issue 13): 何监理 is on P-002 too, but
    # P-002's progress is not P-001's customers' business.
    for user in ("u-he", "u-liu"):
        await console.say(user, OWNER, "进度 P-002")
        assert await console.last_text(OWNER) == (
            "本群是 P-001 的客户群，只回答 P-001 的事；P-002 的信息请到它自己的群里查询。")
    await console.say("u-he", "dm", "进度 P-002")             # in his own direct chat he may ask
    assert "P-002" in (await console.last_bot("dm", user="u-he"))["body"]["title"]


async def test_english_progress(console):
    await console.say("u-li", SITE, "progress superstructure 85%")
    answer = await console.last_text(SITE)
    assert "has no milestone" in answer   # zh names: English words do not match them
    await console.say("u-li", SITE, "progress 主体结构 85%")
    assert await console.last_text(SITE) == "Updated: 主体结构封顶 40% → 85% (project 50%)"
