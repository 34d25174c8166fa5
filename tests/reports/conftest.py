"""Report tests run on a company made from an empty database through the console (see
company.py), on SQLite and, with SITEBOT_TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

import pytest

from tests.reports.company import set_up
from tests.setup.conftest import blank  # noqa: F401 - the empty-database app


@pytest.fixture
async def company(blank, clock):  # noqa: F811
    await set_up(blank, clock)
    return blank


@pytest.fixture
def cjk_font() -> None:
    """Charts and the PDF need a CJK font (scripts/ensure-cjk-font installs one as root)."""
    from handlers.reports import charts
    if not charts.available():
        pytest.skip("no CJK font installed (fonts-noto-cjk): charts and the PDF are left out")
