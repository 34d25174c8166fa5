"""The real app with the DingTalk edge pointed at a fake DingTalk on 127.0.0.1, demo people
given DingTalk identities, and a DingTalk group bound to P-001."""
from __future__ import annotations

import pytest

from bot import keys
from bot.app import create_app
from domain.store.models import ChatBinding, Identity
from tests.conftest import make_settings
from tests.platforms.dingtalk.driver import (APP_KEY, APP_SECRET, CORP_ID, GROUP, ROBOT_CODE, STAFF,
                                            DingTalkDriver)
from tests.platforms.dingtalk.fake_dingtalk import FakeDingTalk


async def add_dingtalk_people(store, now) -> None:  # noqa: ANN001
    async with store.transaction() as tx:
        for console_id, staff_id in STAFF.items():
            person = await tx.people.by_identity("console", console_id)
            tx.add(Identity(person_id=person.id, platform="dingtalk", external_id=staff_id,
                            alt_ids={"unionId": f"union-{staff_id}"}, display_name=person.name,
                            created_at=now))
        project = await tx.projects.by_code("P-001")
        tx.add(ChatBinding(platform="dingtalk", chat_id=GROUP, project_id=project.id,
                           audience="internal", title="P-001 项目部群", created_at=now))


async def start(db_url, clock, aiohttp_client, fake, *, people: bool = True,  # noqa: ANN001
                **extra) -> DingTalkDriver:
    """`people=False`: another process on a database that already has them (a restart, a
    second replica)."""
    base = fake.base_url
    section = {"app_key": APP_KEY, "app_secret": APP_SECRET, "robot_code": ROBOT_CODE,
               "corp_id": CORP_ID, "base_url": base,
               "session_webhook_prefix": base + "/robot/sendBySession/", **extra}
    app = create_app(make_settings(db_url, dingtalk=section), clock=clock, demo=True,
                     run_worker=False)
    client = await aiohttp_client(app)
    if people:
        await add_dingtalk_people(app[keys.STORE], clock())
    return DingTalkDriver(client, fake, clock, base)


@pytest.fixture
async def fake_dingtalk(clock):  # noqa: ANN001, ANN201
    fake = await FakeDingTalk(clock, APP_KEY, APP_SECRET).start()
    yield fake
    await fake.stop()


@pytest.fixture
async def dingtalk(db_url, clock, aiohttp_client, fake_dingtalk) -> DingTalkDriver:  # noqa: ANN001
    return await start(db_url, clock, aiohttp_client, fake_dingtalk)


@pytest.fixture
async def dingtalk_cards(db_url, clock, aiohttp_client, fake_dingtalk) -> DingTalkDriver:  # noqa: ANN001
    """The same with interactive cards (a card template) configured."""
    return await start(db_url, clock, aiohttp_client, fake_dingtalk,
                       card_template_id="tpl-sitebot.schema", card_route_key="sitebot")
