"""The real app with the Feishu edge on, pointed at a fake Feishu open platform on 127.0.0.1,
and demo people known by Feishu open_ids in a Feishu group bound to P-001."""
from __future__ import annotations

import pytest

from bot import keys
from bot.app import create_app
from domain.enums import Audience
from domain.store.models import ChatBinding, Identity
from tests.conftest import make_settings
from tests.platforms.feishu.driver import APP_ID, APP_SECRET, ENCRYPT_KEY, VTOKEN, FeishuDriver
from tests.platforms.feishu.fake_open_platform import FakeFeishu

SITE = "oc_p001site"          # P-001's internal group on Feishu
LOBBY = "oc_unbound"          # a group the bot is in but nobody bound yet
# demo person -> their open_id in this Feishu tenant
OPEN_IDS = {"李工长": "ou_li", "赵质检": "ou_zhao", "王工": "ou_wang", "刘总（业主）": "ou_liu",
            "陈经理": "ou_chen", "管理员": "ou_admin"}


@pytest.fixture
async def fake(clock):  # noqa: ANN001, ANN201
    fake = FakeFeishu(APP_ID, APP_SECRET, clock=clock)   # keeps Feishu's sending limits
    fake.chats |= {SITE, LOBBY}
    await fake.start()
    yield fake
    await fake.stop()


def feishu_settings(db_url: str, fake: FakeFeishu, **extra):
    section = {"app_id": APP_ID, "app_secret": APP_SECRET, "verification_token": VTOKEN,
               "encrypt_key": ENCRYPT_KEY, "base_url": fake.base_url, **extra}
    return make_settings(db_url, feishu=section)


@pytest.fixture
async def feishu(db_url, fake, clock, aiohttp_client) -> FeishuDriver:
    app = create_app(feishu_settings(db_url, fake), clock=clock, demo=True, run_worker=False)
    client = await aiohttp_client(app)
    async with app[keys.STORE].transaction() as tx:
        for name, open_id in OPEN_IDS.items():
            person = (await tx.people.by_name(name))[0]
            tx.add(Identity(person_id=person.id, platform="feishu", external_id=open_id,
                            alt_ids={"union_id": f"on_{open_id[3:]}"}, display_name=name,
                            created_at=clock()))
        project = await tx.projects.by_code("P-001")
        tx.add(ChatBinding(platform="feishu", chat_id=SITE, project_id=project.id,
                           audience=Audience.INTERNAL.value, title="P-001 项目部群",
                           created_at=clock()))
    return FeishuDriver(client, fake, clock)
