"""App messages to one member within WeCom's 30 a minute (WeCom drops the excess without a
word, so going over would lose replies silently): a member who asks 35 times at once gets 30
answers now and the other 5 a minute later, none dropped."""
from __future__ import annotations

from tests.platforms.wecom.conftest import deliver


async def test_the_fake_drops_what_wecom_drops(fake_wecom, clock):
    """So that the test below can fail: the 31st message to a member within a minute is
    answered "ok" and not delivered."""
    for _ in range(30):
        assert not fake_wecom._over_limit("LiGongZhang")  # noqa: SLF001
    assert fake_wecom._over_limit("LiGongZhang")  # noqa: SLF001
    clock.advance(seconds=60)
    assert not fake_wecom._over_limit("LiGongZhang")  # noqa: SLF001


async def test_many_answers_to_one_member_go_out_within_the_minute_limit(wecom, wecom_app, fake_wecom, clock):
    for _ in range(35):
        await wecom.text("LiGongZhang", "我的工单")
    await deliver(wecom_app)
    to_li = [m for m in fake_wecom.sent() if m["touser"] == "LiGongZhang"]
    assert len(to_li) == 30 and fake_wecom.dropped == []
    clock.advance(seconds=59)
    await deliver(wecom_app)
    assert len([m for m in fake_wecom.sent() if m["touser"] == "LiGongZhang"]) == 30
    clock.advance(seconds=1)
    await deliver(wecom_app)
    assert len([m for m in fake_wecom.sent() if m["touser"] == "LiGongZhang"]) == 35
    assert fake_wecom.dropped == []
