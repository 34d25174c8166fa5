"""[capture] in config/default.toml: the thresholds and the offer window are settings, checked
like the others (a bad value stops start-up with one line naming the key), and the running
bot uses them."""
from __future__ import annotations

import pytest

from bot.app import create_app
from bot.config_error import ConfigError
from bot.settings import load_settings
from domain.capture.rules import CaptureRules, Thresholds
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver

HAZARD = "5号楼电梯口有钢筋没人管，很危险"   # scores about 0.84


def test_the_defaults_file_sets_them():
    rules = load_settings(env={}).capture
    assert rules == CaptureRules(offer_every_minutes=5, thresholds=Thresholds(0.6, 0.5, 0.45),
                                 keep_unanswered_days=7)


@pytest.mark.parametrize("values, key", [
    ({"group_threshold": 1.5}, "capture.group_threshold"),
    ({"group_threshold": 0}, "capture.group_threshold"),
    ({"addressed_threshold": "high"}, "capture.addressed_threshold"),
    ({"with_photo_threshold": True}, "capture.with_photo_threshold"),
    ({"group_threshold": 0.5, "with_photo_threshold": 0.7}, "capture.with_photo_threshold"),
    ({"offer_every_minutes": 0}, "capture.offer_every_minutes"),
    ({"offer_every_minutes": 2.5}, "capture.offer_every_minutes"),
    ({"keep_unanswered_days": -1}, "capture.keep_unanswered_days"),
    ({"offer_window": 5}, "capture.offer_window"),
])
def test_bad_values_are_refused_naming_the_key(values, key):
    with pytest.raises(ConfigError) as refused:
        load_settings(env={}, overrides={"capture": values})
    message = str(refused.value)
    assert message.startswith(key + ":") and "\n" not in message


async def test_the_bot_uses_the_configured_thresholds(db_url, clock, aiohttp_client):
    strict = make_settings(db_url, capture={"group_threshold": 0.95, "with_photo_threshold": 0.95,
                                            "addressed_threshold": 0.9})
    console = ConsoleDriver(await aiohttp_client(create_app(strict, clock=clock, demo=True, run_worker=False)))
    await console.say("u-li", "p001-site", HAZARD)
    assert "要登记为工单吗" not in await console.last_text("p001-site")     # the short help instead
    await console.say("u-li", "p001-site", "客厅墙上裂了一条缝，一米多长")   # about 0.92
    assert (await console.last_bot("p001-site"))["body"]["title"] == "要登记为工单吗？"
