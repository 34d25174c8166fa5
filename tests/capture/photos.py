"""A photo sent to a Feishu group, as Feishu pushes it (the bot then downloads the file from
the fake open platform, as it would from Feishu)."""
from __future__ import annotations

import uuid

from tests.platforms.feishu.driver import CONTENTS, message_event

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 48


async def send_photo(feishu, sender: str, chat: str) -> None:  # noqa: ANN001
    message_id = f"om_photo_{uuid.uuid4().hex[:8]}"
    event = message_event(sender, chat, CONTENTS["image"], message_type="image", message_id=message_id)
    feishu.fake.receive(message_id, chat, sender)
    feishu.fake.resources[(message_id, CONTENTS["image"]["image_key"])] = (PNG, "image/png")
    assert (await feishu.post(event)).status == 200
    await feishu.deliver()
