"""DingTalk settings: from the environment, checked once, errors naming the variable."""
from __future__ import annotations

import pytest

from bot.dingtalk.config import DingTalkConfig
from bot.settings import ConfigError, load_settings


def test_environment_reaches_the_dingtalk_section():
    settings = load_settings(env={"SITEBOT_DINGTALK_APP_KEY": "dingkey", "SITEBOT_DINGTALK_APP_SECRET": "s",
                                  "SITEBOT_DINGTALK_CORP_ID": "dingcorp1",
                                  "SITEBOT_DINGTALK_CARD_TEMPLATE_ID": "tpl.schema"})
    config = DingTalkConfig.from_section(settings.platforms["dingtalk"])
    assert config.app_key == "dingkey" and config.robot_code == "dingkey"   # robotCode defaults to AppKey
    assert config.corp_id == "dingcorp1"
    assert config.base_url == "https://api.dingtalk.com" and config.interactive
    assert config.session_webhook_prefix == "https://oapi.dingtalk.com/robot/sendBySession"


def test_missing_secret_names_the_variable():
    with pytest.raises(ConfigError, match="SITEBOT_DINGTALK_APP_SECRET"):
        DingTalkConfig.from_section({"app_key": "dingkey"})


def test_missing_corp_id_names_the_variable():
    # Callbacks name the organisation they are for; without ours nothing could be checked.
    with pytest.raises(ConfigError, match="SITEBOT_DINGTALK_CORP_ID"):
        DingTalkConfig.from_section({"app_key": "dingkey", "app_secret": "s"})


def test_bad_base_url_names_the_variable():
    with pytest.raises(ConfigError, match="SITEBOT_DINGTALK_BASE_URL"):
        DingTalkConfig.from_section({"app_key": "k", "app_secret": "s", "corp_id": "c",
                                     "base_url": "api.dingtalk.com"})
