"""The edge fixtures the capture tests use: Feishu (the real app, a fake open platform, a group
bound to P-001), and DingTalk and WeCom for voice messages."""
from tests.platforms.dingtalk.conftest import dingtalk, fake_dingtalk  # noqa: F401 - fixtures used here
from tests.platforms.feishu.conftest import fake, feishu  # noqa: F401 - fixtures used here
from tests.platforms.wecom.conftest import fake_wecom, wecom, wecom_app  # noqa: F401 - fixtures used here
