"""A project with two contracts: 付款节点 without 合同 … asks which, and an unknown 合同 … lists
the ones there are — the numbers joined the reader's way (、 in Chinese, ", " in English), the
hint naming the first of them whole; nothing is written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import keys
from domain.store.models import PaymentMilestone
from tests.setup.conftest import ADMIN

DM = "dm"


async def two_contracts(console) -> None:
    await console.say(ADMIN, DM, "项目 新建 滨江花园5号楼 经理 @陈经理 开工 2026-12-01 竣工 2027-12-31")
    await console.say(ADMIN, DM, "合同 P-001 HT-2026-001 金额 1280万 签订 2026-11-20")
    await console.say(ADMIN, DM, "合同 P-001 HT-2026-002 金额 300万 签订 2026-11-25")


async def payment_rows(console) -> int:
    async with console.app[keys.STORE].transaction() as tx:
        return await tx.session.scalar(select(func.count()).select_from(PaymentMilestone))


ASKED = {   # locale: (the command without 合同, what it answers; one naming an unknown contract, …)
    "zh-CN": ("付款节点 P-001 预付款 10% 于 2026-12-10",
              "P-001 有多份合同（HT-2026-001、HT-2026-002），请写明：… 合同 HT-2026-001",
              "P-001 没有合同 HT-2026-009。现有：HT-2026-001、HT-2026-002"),
    "en": ("schedule P-001 Advance 10% due 2026-12-10",
           "P-001 has several contracts (HT-2026-001, HT-2026-002); add: … 合同 HT-2026-001",
           "P-001 has no contract HT-2026-009. It has: HT-2026-001, HT-2026-002"),
}


@pytest.mark.parametrize("locale", ASKED)
async def test_which_contract_lists_the_numbers_the_readers_way(blank, locale):
    command, which, unknown = ASKED[locale]
    await two_contracts(blank)
    await blank.say(ADMIN, DM, command)
    assert await blank.last_text(DM, ADMIN) == which
    await blank.say(ADMIN, DM, f"{command} 合同 HT-2026-009")
    assert await blank.last_text(DM, ADMIN) == unknown
    assert await payment_rows(blank) == 0
    # The contract named: the schedule is written.
    await blank.say(ADMIN, DM, f"{command} 合同 HT-2026-002")
    assert await payment_rows(blank) == 1
