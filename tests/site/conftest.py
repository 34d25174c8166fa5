"""The Feishu edge fixtures (the real app, a fake open platform, a group bound to P-001)."""
from tests.platforms.feishu.conftest import fake, feishu  # noqa: F401 - fixtures used here
