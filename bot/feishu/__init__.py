"""The Feishu (Lark) edge: the `/webhooks/feishu` callback (verify, decrypt, parse into the
neutral contract) and the outbound adapter over one pooled aiohttp session to the open API.

Imported only when `SITEBOT_FEISHU_APP_ID` is set. lark-oapi stays a dependency for the
long-connection mode; nothing on the HTTP path imports it (it takes seconds to import).
"""
