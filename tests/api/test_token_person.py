"""A token's own person acts with the roles of its write scopes only while its calls run: in
the database it holds none, so it is never taken for a 部门主管 who approves changes or a
总部客服 an escalation or a report goes to."""
from __future__ import annotations

from sqlalchemy import func, select

from bot import keys
from domain.enums import Role
from domain.store.models import ChangeRequest

SITE = "p001-site"


async def test_a_tokens_own_person_holds_no_role_outside_its_calls(api, console):
    erp = await api.token("ERP", "--scope", "changes:write,tickets:write")
    async with api.app[keys.STORE].transaction() as tx:
        project = await tx.projects.by_code("P-001")
        for role in (Role.DEPT_HEAD, Role.HQ_SERVICE):
            assert "ERP" not in [p.name for p in await tx.changes.holders(project.id, role)], role
        zhou = (await tx.people.by_name("周主管"))[0]
        zhou.active = False            # the company's only 部门主管 has left
        zhou_id = zhou.id
    # A change raised in chat needs a 部门主管: refused with the reason, not sent to the token.
    await console.say("u-chen", SITE, "变更 工期调整 +15天 原因：甲方要求增加地下室防水")
    assert "目前没有人（除您本人外）担任该角色" in await console.last_text(SITE)
    # The token's own calls still act with the role its scope needs (here refused the same way,
    # as nobody else could approve it either).
    response, body = await api.call("POST", "/api/v1/changes", erp, json={
        "project": "P-001", "kind": "schedule", "days": 15, "reason": "甲方要求增加地下室防水"})
    assert response.status == 422 and "目前没有人（除您本人外）担任该角色" in body["detail"], body
    async with api.app[keys.STORE].transaction() as tx:
        assert await tx.session.scalar(select(func.count()).select_from(ChangeRequest)) == 0
        (await tx.people.get(zhou_id)).active = True
    response, body = await api.call("POST", "/api/v1/changes", erp, json={
        "project": "P-001", "kind": "schedule", "days": 15, "reason": "甲方要求增加地下室防水"})
    assert response.status == 201, body
