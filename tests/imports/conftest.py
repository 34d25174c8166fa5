"""An app on an EMPTY database (no demo seed) whose only person is the configured admin, as on
a contractor's first day (the same as tests/setup's)."""
from __future__ import annotations

import pytest

from bot.app import create_app
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver

ADMIN = "管理员"      # the console user id, and so the admin's name


@pytest.fixture
async def blank(db_url, clock, aiohttp_client) -> ConsoleDriver:
    settings = make_settings(db_url, access={"admins": [f"console:{ADMIN}"]})
    app = create_app(settings, clock=clock, demo=False, run_worker=False)
    return ConsoleDriver(await aiohttp_client(app))
