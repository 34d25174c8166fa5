"""The WeCom part of the settings, typed and checked once at start-up."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Mapping

from bot.config_error import ConfigError

# Environment variable -> key of this platform's settings section. Secrets come only from here.
ENV_KEYS: dict[str, str] = {
    "SITEBOT_WECOM_CORP_ID": "corp_id",
    "SITEBOT_WECOM_AGENT_ID": "agent_id",
    "SITEBOT_WECOM_SECRET": "secret",
    "SITEBOT_WECOM_TOKEN": "token",
    "SITEBOT_WECOM_AES_KEY": "aes_key",
    "SITEBOT_WECOM_BASE_URL": "base_url",
}

# key in settings.platforms["wecom"] -> the environment variable that sets it (for messages)
_ENV = {key: name for name, key in ENV_KEYS.items()}


@dataclass(frozen=True)
class WeComConfig:
    corp_id: str
    agent_id: int
    secret: str
    token: str
    aes_key: str        # the 43-character EncodingAESKey from the app's callback settings
    base_url: str = "https://qyapi.weixin.qq.com"

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> "WeComConfig":
        values = {}
        for key in ("corp_id", "agent_id", "secret", "token", "aes_key"):
            value = str(section.get(key) or "").strip()
            if not value:
                raise ConfigError(f"wecom.{key} ({_ENV[key]}): missing; WeCom needs corp id, "
                                  "agent id, secret, token and AES key together")
            values[key] = value
        if not values["agent_id"].isdigit():
            raise ConfigError(f"wecom.agent_id ({_ENV['agent_id']}): expected a number, "
                              f"got {values['agent_id']!r}")
        if not _is_aes_key(values["aes_key"]):
            raise ConfigError(f"wecom.aes_key ({_ENV['aes_key']}): expected the 43-character "
                              "EncodingAESKey shown in the app's callback settings")
        base_url = str(section.get("base_url") or cls.base_url).rstrip("/")
        if not base_url.startswith(("https://", "http://")):
            raise ConfigError(f"wecom.base_url ({_ENV['base_url']}): expected an http(s) URL, "
                              f"got {base_url!r}")
        return cls(corp_id=values["corp_id"], agent_id=int(values["agent_id"]),
                   secret=values["secret"], token=values["token"], aes_key=values["aes_key"],
                   base_url=base_url)


def _is_aes_key(key: str) -> bool:
    if len(key) != 43:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False
