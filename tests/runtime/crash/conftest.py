"""The Feishu app fixtures (the real app, its edge pointed at a fake open platform) for the
press test here."""
from tests.platforms.feishu.conftest import fake, feishu  # noqa: F401
