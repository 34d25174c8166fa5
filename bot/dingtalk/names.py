"""A DingTalk member's name from the server API's topapi/v2/user/get: what an `@staffId`
mention does not say (a message's sender is named by its senderNick). 60121 (no such user)
is an unknown name, not an error."""
from __future__ import annotations

import aiohttp

from bot.delivery.ports import TransientError
from bot.dingtalk.api import TIMEOUT, DingTalkApi, DingTalkApiError
from bot.dingtalk.config import DingTalkConfig

NO_SUCH_USER = 60121


async def user_name(api: DingTalkApi, config: DingTalkConfig, user_id: str) -> str | None:
    token = await api.token()
    try:
        async with api.session.post(f"{config.oapi_url}/topapi/v2/user/get", timeout=TIMEOUT,
                                    params={"access_token": token},
                                    json={"userid": user_id, "language": "zh_CN"}) as response:
            status = response.status
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, ValueError) as error:
        raise TransientError(f"dingtalk user/get: {type(error).__name__}: {error}") from None
    code = int((body or {}).get("errcode", 0) or 0) if isinstance(body, dict) else -1
    if code == NO_SUCH_USER:
        return None
    if status != 200 or code != 0:
        raise DingTalkApiError(str(code), f"topapi/v2/user/get: {(body or {}).get('errmsg', '')}")
    name = (body.get("result") or {}).get("name")
    return name if isinstance(name, str) and name else None
