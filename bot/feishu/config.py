"""The Feishu part of the settings, typed and checked once at start-up."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from bot.config_error import ConfigError

# Environment variable -> key of this platform's settings section. Secrets come only from here.
ENV_KEYS: dict[str, str] = {
    "SITEBOT_FEISHU_APP_ID": "app_id",
    "SITEBOT_FEISHU_APP_SECRET": "app_secret",
    "SITEBOT_FEISHU_VERIFICATION_TOKEN": "verification_token",
    "SITEBOT_FEISHU_ENCRYPT_KEY": "encrypt_key",
    "SITEBOT_FEISHU_BASE_URL": "base_url",
    "SITEBOT_FEISHU_MODE": "mode",
}


DEFAULT_BASE_URL = "https://open.feishu.cn"


@dataclass(frozen=True)
class FeishuConfig:
    app_id: str
    app_secret: str
    verification_token: str = ""   # checked on every callback when set
    encrypt_key: str = ""          # bodies are AES-encrypted and signed when set
    base_url: str = DEFAULT_BASE_URL
    # "http": callbacks to /webhooks/feishu; "ws": the long connection, no public URL needed
    mode: str = "http"

    @classmethod
    def from_settings(cls, section: Mapping[str, Any]) -> "FeishuConfig":
        app_id = str(section.get("app_id") or "")
        secret = str(section.get("app_secret") or "")
        if not secret:
            raise ConfigError("feishu.app_secret (SITEBOT_FEISHU_APP_SECRET): missing; "
                              "it is needed when SITEBOT_FEISHU_APP_ID is set")
        base_url = str(section.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        if not base_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ConfigError("feishu.base_url (SITEBOT_FEISHU_BASE_URL): expected an https "
                              f"origin such as {DEFAULT_BASE_URL}, got {base_url!r}")
        mode = str(section.get("mode") or "http").strip().lower()
        if mode not in ("http", "ws"):
            raise ConfigError(f"feishu.mode (SITEBOT_FEISHU_MODE): expected http or ws, got {mode!r}")
        return cls(app_id=app_id, app_secret=secret, mode=mode,
                   verification_token=str(section.get("verification_token") or ""),
                   encrypt_key=str(section.get("encrypt_key") or ""), base_url=base_url)
