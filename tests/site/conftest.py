"""The Feishu edge fixtures (the real app, a fake open platform, a group bound to P-001) and the
WeCom ones (the real app, a fake WeCom server, encrypted callbacks)."""
from tests.platforms.feishu.conftest import fake, feishu  # noqa: F401 - fixtures used here
from tests.platforms.wecom.conftest import fake_wecom, wecom, wecom_app  # noqa: F401 - fixtures used here
