"""Page links made by one process open on another: without SITEBOT_LINK_SECRET the secret is
made once and kept in the database, so the worker (`sitebot work`, which puts the cockpit and
project-page links into cards) and the web process (`sitebot serve --web`, which answers them)
sign with the same one, and so does a process started later. The variable still overrides it.
Two app instances on one database, SQLite and PostgreSQL."""
from __future__ import annotations

from bot import keys
from bot.app import create_app
from bot.pages.secret import LINK_SECRET
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver
from tests.reports.company import at, set_up
from tests.setup.conftest import ADMIN


def _settings(db_url: str, **links: str):  # noqa: ANN202
    return make_settings(db_url, access={"admins": [f"console:{ADMIN}"]}, links=links)


async def _links(app, clock) -> tuple[str, str]:  # noqa: ANN001
    """The cockpit link of 周主管 and P-001's page link, as the handlers of `app` put them in
    cards (the report card, the pushed reports, the progress card)."""
    async with app[keys.STORE].transaction() as tx:
        person = (await tx.people.by_name("周主管"))[0]
        project = await tx.projects.by_code("P-001")
    deps = app[keys.DISPATCHER].deps
    cockpit, page = deps.cockpit_link(person, clock()), deps.page_link(project, clock())
    return "/cockpit/" + cockpit.split("/cockpit/", 1)[1], "/p/" + page.split("/p/", 1)[1]


async def test_a_link_the_worker_made_opens_on_the_web_process(db_url, clock, aiohttp_client):
    maker = ConsoleDriver(await aiohttp_client(create_app(_settings(db_url), clock=clock, run_worker=False)))
    await set_up(maker, clock)
    at(clock, "2026-11-02 10:00")
    worker = await aiohttp_client(create_app(_settings(db_url), clock=clock, role="worker", run_worker=False))
    cockpit, page = await _links(worker.app, clock)

    web = await aiohttp_client(create_app(_settings(db_url), clock=clock, role="web", run_worker=False))
    assert web.app[LINK_SECRET] == worker.app[LINK_SECRET] == maker.app[LINK_SECRET]
    response = await web.get(cockpit)
    assert response.status == 200, await response.text()
    assert "周主管" in await response.text()
    response = await web.get(page)
    assert response.status == 200 and "滨江花园" in await response.text()

    # Started again later (a restart, another replica): the same secret, the old links open.
    later = await aiohttp_client(create_app(_settings(db_url), clock=clock, role="web", run_worker=False))
    assert (await later.get(cockpit)).status == 200
    # A tampered link is still refused.
    assert (await web.get(cockpit[:-2] + ("AA" if not cockpit.endswith("AA") else "BB"))).status == 403


async def test_the_environment_secret_overrides_the_stored_one(db_url, clock, aiohttp_client):
    maker = ConsoleDriver(await aiohttp_client(create_app(_settings(db_url), clock=clock, run_worker=False)))
    await set_up(maker, clock)
    at(clock, "2026-11-02 10:00")
    stored, _ = await _links(maker.app, clock)

    configured = _settings(db_url, secret="an-operator-chosen-secret-0123")
    web = await aiohttp_client(create_app(configured, clock=clock, role="web", run_worker=False))
    assert web.app[LINK_SECRET] == b"an-operator-chosen-secret-0123"
    assert (await web.get(stored)).status == 403           # signed with the stored one: not this secret
    worker = await aiohttp_client(create_app(configured, clock=clock, role="worker", run_worker=False))
    cockpit, page = await _links(worker.app, clock)
    assert (await web.get(cockpit)).status == 200 and (await web.get(page)).status == 200
