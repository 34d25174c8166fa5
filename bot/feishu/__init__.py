"""The Feishu (Lark) edge: the `/webhooks/feishu` callback (verify, decrypt, parse into the
neutral contract) and the outbound adapter over lark-oapi's async client.

Imported only when `SITEBOT_FEISHU_APP_ID` is set (lark-oapi takes seconds to import).
"""
