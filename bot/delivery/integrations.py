"""The channels that are not chat platforms (issue 20): outbound webhooks, and e-mail when
[email] names an SMTP server. Built at start-up beside the platform adapters (bot/runtime.py).
The e-mail adapter (aiosmtplib, ~40 ms of start-up) is imported only when e-mail is on."""
from __future__ import annotations

from contextlib import AsyncExitStack

from bot.delivery.ports import Adapter
from bot.delivery.webhook import WebhookAdapter
from bot.email.config import EmailSettings
from domain.store.uow import Store


async def integration_adapters(stack: AsyncExitStack, store: Store,
                               email: EmailSettings | None = None) -> dict[str, Adapter]:
    webhook = WebhookAdapter(store)
    stack.push_async_callback(webhook.close)
    adapters: dict[str, Adapter] = {webhook.platform: webhook}
    if email is not None and email.enabled:   # without it, e-mail rows fail as "not configured"
        from bot.email.adapter import EmailAdapter
        adapters[EmailAdapter.platform] = EmailAdapter(email)
    return adapters
