"""A WeCom member's name from the contact API (user/get): what `@UserID` and a message's
FromUserName do not say. 60111 (no such UserID) is an unknown name, not an error."""
from __future__ import annotations

from bot.wecom.api import WeComApi, WeComApiError

NO_SUCH_USER = 60111


async def user_name(api: WeComApi, user_id: str) -> str | None:
    try:
        body = await api.call("GET", "user/get", params={"userid": user_id})
    except WeComApiError as error:
        if error.errcode == NO_SUCH_USER:
            return None
        raise
    name = body.get("name")
    return name if isinstance(name, str) and name and name != user_id else None
