"""Report tests run on a company made from an empty database through the console (see
company.py), on SQLite and, with SITEBOT_TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

import pytest

from bot.app import create_app
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver
from tests.reports.company import set_up
from tests.setup.conftest import ADMIN


@pytest.fixture
async def company(db_url, clock, aiohttp_client, tmp_path):
    """The empty-database app (as tests/setup's `blank`) with a media directory of its own,
    so what a test finds drawn there is what this app drew (other test runs save photos)."""
    settings = make_settings(db_url, access={"admins": [f"console:{ADMIN}"]}, media={"dir": str(tmp_path / "media")})
    console = ConsoleDriver(await aiohttp_client(create_app(settings, clock=clock, demo=False, run_worker=False)))
    await set_up(console, clock)
    return console


@pytest.fixture
def cjk_font() -> None:
    """Charts and the PDF need a CJK font (scripts/ensure-cjk-font installs one as root)."""
    from handlers.reports import charts
    if not charts.available():
        pytest.skip("no CJK font installed (fonts-noto-cjk): charts and the PDF are left out")
