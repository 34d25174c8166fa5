"""The dingtalk-stream SDK's client (pinned in pyproject.toml), imported only by
bot/dingtalk/stream.py on a worker thread.

Kept from the SDK: the WebSocket, frame routing by topic, acks, keepalive, reconnects with
backoff, `start()` as a coroutine on the running loop that closes the socket when cancelled
(0.24.4b1; 0.24.3 opened the connection with blocking `requests` on the loop and swallowed
cancellation). Replaced: `open_connection`, whose URL the SDK fixes at import from an
environment variable and which finds the local IP by a UDP "connect" to 8.8.8.8; here the URL
comes from SITEBOT_DINGTALK_BASE_URL and no IP is sent (the field is informational).
"""
from __future__ import annotations

import logging
import platform
from typing import Any

import requests
from dingtalk_stream import CallbackHandler, CallbackMessage, ChatbotMessage, Credential, DingTalkStreamClient
from dingtalk_stream.version import VERSION_STRING

from bot.dingtalk.config import DingTalkConfig
from bot.dingtalk.stream import Answer

log = logging.getLogger(__name__)
OPEN_PATH = "/v1.0/gateway/connections/open"


class StreamConnection(DingTalkStreamClient):
    def __init__(self, config: DingTalkConfig, on_message: Answer, on_card: Answer | None) -> None:
        super().__init__(Credential(config.app_key, config.app_secret),
                         logger=logging.getLogger("dingtalk_stream.client"))
        self.open_url = config.base_url + OPEN_PATH
        self.register_callback_handler(ChatbotMessage.TOPIC, _Taking(on_message))
        if on_card is not None:   # with a card template: presses come over the stream too
            self.register_callback_handler(CallbackHandler.TOPIC_CARD_CALLBACK, _Taking(on_card))

    def open_connection(self) -> dict[str, Any] | None:
        """Runs on a worker thread (the SDK's start() puts it there); None: try again later."""
        body = {"clientId": self.credential.client_id, "clientSecret": self.credential.client_secret,
                "subscriptions": [{"type": "CALLBACK", "topic": topic} for topic in self.callback_handler_map],
                "ua": f"dingtalk-sdk-python/v{VERSION_STRING}-union sitebot", "localIp": ""}
        headers = {"Accept": "application/json",
                   "User-Agent": f"DingTalkStream/1.0 SDK/{VERSION_STRING} Python/{platform.python_version()}"}
        try:
            response = requests.post(self.open_url, json=body, headers=headers, timeout=self.HTTP_TIMEOUT_SECONDS)
        except requests.RequestException as error:
            log.warning("dingtalk stream: could not open a connection: %s", error)
            return None
        if response.status_code != 200:
            log.error("dingtalk stream: opening a connection refused (HTTP %s): %s", response.status_code,
                      response.text[:300])
            return None
        answer = response.json()
        return answer if isinstance(answer, dict) and answer.get("endpoint") and answer.get("ticket") else None


class _Taking(CallbackHandler):
    """One topic's frames -> sitebot; the SDK sends the ack with what this returns."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.answer = answer

    async def process(self, message: CallbackMessage) -> tuple[int, Any]:
        return await self.answer(message.data)
