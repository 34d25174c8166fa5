"""The Feishu driver and fake open platform (tests/platforms/feishu), for the operations tests."""
from tests.platforms.feishu.conftest import fake, feishu  # noqa: F401 - fixtures used here
