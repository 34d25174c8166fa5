"""The channels that are not chat platforms (issue 20): outbound webhooks, and e-mail when
[email] is configured. Built at start-up beside the platform adapters (bot/runtime.py)."""
from __future__ import annotations

from contextlib import AsyncExitStack

from bot.delivery.ports import Adapter
from bot.delivery.webhook import WebhookAdapter
from domain.store.uow import Store


async def integration_adapters(stack: AsyncExitStack, store: Store) -> dict[str, Adapter]:
    webhook = WebhookAdapter(store)
    stack.push_async_callback(webhook.close)
    return {webhook.platform: webhook}
