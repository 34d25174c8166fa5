"""The DingTalk part of the settings, typed and checked once at start-up."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from bot.config_error import ConfigError

# Environment variable -> key of this platform's settings section. Secrets come only from here.
ENV_KEYS: dict[str, str] = {
    "SITEBOT_DINGTALK_APP_KEY": "app_key",
    "SITEBOT_DINGTALK_APP_SECRET": "app_secret",
    "SITEBOT_DINGTALK_CORP_ID": "corp_id",
    "SITEBOT_DINGTALK_ROBOT_CODE": "robot_code",
    "SITEBOT_DINGTALK_BASE_URL": "base_url",
    "SITEBOT_DINGTALK_OAPI_URL": "oapi_url",
    "SITEBOT_DINGTALK_SESSION_WEBHOOK_PREFIX": "session_webhook_prefix",
    "SITEBOT_DINGTALK_CARD_TEMPLATE_ID": "card_template_id",
    "SITEBOT_DINGTALK_CARD_ROUTE_KEY": "card_route_key",
    "SITEBOT_DINGTALK_MODE": "mode",
}


# key in settings.platforms["dingtalk"] -> the environment variable that sets it
ENV = {"app_key": "SITEBOT_DINGTALK_APP_KEY", "app_secret": "SITEBOT_DINGTALK_APP_SECRET",
       "corp_id": "SITEBOT_DINGTALK_CORP_ID", "robot_code": "SITEBOT_DINGTALK_ROBOT_CODE",
       "base_url": "SITEBOT_DINGTALK_BASE_URL", "oapi_url": "SITEBOT_DINGTALK_OAPI_URL",
       "session_webhook_prefix": "SITEBOT_DINGTALK_SESSION_WEBHOOK_PREFIX",
       "card_template_id": "SITEBOT_DINGTALK_CARD_TEMPLATE_ID",
       "card_route_key": "SITEBOT_DINGTALK_CARD_ROUTE_KEY", "mode": "SITEBOT_DINGTALK_MODE"}


@dataclass(frozen=True)
class DingTalkConfig:
    app_key: str
    app_secret: str
    robot_code: str
    # Our organisation's CorpId: a callback must be for a robot of this organisation
    # (`chatbotCorpId`), and a sender of another one is never taken for one of our staff.
    corp_id: str
    base_url: str = "https://api.dingtalk.com"
    # The older server API, where media are uploaded (media/upload) for file messages.
    oapi_url: str = "https://oapi.dingtalk.com"
    # The callback body is not signed, so a sessionWebhook we would post replies to must
    # point at DingTalk itself: anything else is ignored (and the OpenAPI used instead).
    session_webhook_prefix: str = "https://oapi.dingtalk.com/robot/sendBySession"
    # Interactive cards (card.dingtalk.com template, HTTP callbacks); empty = actionCard fallback.
    card_template_id: str = ""
    card_route_key: str = "sitebot"
    # "http": robot and card callbacks to /webhooks/dingtalk…; "stream": DingTalk's Stream
    # mode, a connection sitebot opens (bot/dingtalk/stream.py), no public URL needed
    mode: str = "http"

    @property
    def interactive(self) -> bool:
        return bool(self.card_template_id)

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> "DingTalkConfig":
        values = {}
        for key in ("app_key", "app_secret", "corp_id"):
            value = str(section.get(key) or "").strip()
            if not value:
                raise ConfigError(f"dingtalk.{key} ({ENV[key]}): missing; DingTalk needs the "
                                  "robot app's AppKey and AppSecret and the organisation's CorpId "
                                  "(developer console, 基础信息) together")
            values[key] = value
        # A robot created inside an app has robotCode == AppKey unless DingTalk says otherwise.
        robot_code = str(section.get("robot_code") or "").strip() or values["app_key"]
        urls = {}
        for key in ("base_url", "oapi_url", "session_webhook_prefix"):
            url = str(section.get(key) or getattr(cls, key)).strip()
            if not url.startswith(("https://", "http://")):
                raise ConfigError(f"dingtalk.{key} ({ENV[key]}): expected an http(s) URL, got {url!r}")
            urls[key] = url.rstrip("/") if key in ("base_url", "oapi_url") else url
        route_key = str(section.get("card_route_key") or cls.card_route_key).strip()
        mode = str(section.get("mode") or "http").strip().lower()
        if mode not in ("http", "stream"):
            raise ConfigError(f"dingtalk.mode ({ENV['mode']}): expected http or stream, got {mode!r}")
        return cls(mode=mode, app_key=values["app_key"], app_secret=values["app_secret"],
                   corp_id=values["corp_id"], robot_code=robot_code,
                   card_template_id=str(section.get("card_template_id") or "").strip(),
                   card_route_key=route_key, **urls)
