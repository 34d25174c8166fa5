"""Org-wide roles from chat (角色) and the command line (sitebot role): granted by admins only,
refused where they cannot act, and acted on — a project's own 财务 records its payments."""
from __future__ import annotations

from bot.cli import main
from tests.setup.conftest import ADMIN

DM = "dm"


async def test_admin_grants_lists_and_removes_org_roles(blank):
    await blank.say(ADMIN, DM, "角色 添加 @钱会计 财务")
    assert await blank.last_text(DM, ADMIN) == "已让 钱会计 担任全公司的财务。"
    await blank.say(ADMIN, DM, "角色 添加 @周主管 部门主管")
    await blank.say(ADMIN, DM, "角色 添加 @吴客服 总部客服")
    await blank.say(ADMIN, DM, "角色 添加 @钱会计 财务")
    assert await blank.last_text(DM, ADMIN) == "钱会计 已经是全公司的财务。"
    await blank.say(ADMIN, DM, "角色")
    listing = await blank.last_text(DM, ADMIN)
    assert "• 财务：钱会计" in listing and "• 部门主管：周主管" in listing
    assert "• 总部客服：吴客服" in listing and "• 财务总监：（无人）" in listing
    assert f"• 管理员：{ADMIN}" in listing
    # The new people can speak now: 我是谁 shows the org-wide role.
    await blank.say("钱会计", DM, "我是谁")
    assert "财务" in await blank.last_text(DM, "钱会计")
    await blank.say(ADMIN, DM, "角色 移除 钱会计 财务")
    assert await blank.last_text(DM, ADMIN) == "已取消 钱会计 的全公司财务角色。"
    await blank.say(ADMIN, DM, "角色 移除 钱会计 财务")
    assert await blank.last_text(DM, ADMIN) == "钱会计 并不担任全公司的财务。"


async def test_only_admins_grant_and_bad_roles_get_one_clear_line(blank):
    await blank.say(ADMIN, DM, "角色 添加 @周主管 部门主管")
    await blank.say("周主管", DM, "角色 添加 @钱会计 财务")
    assert await blank.last_text(DM, "周主管") == "无权限"
    await blank.say(ADMIN, DM, "角色 添加 @李工长 施工员")
    assert await blank.last_text(DM, ADMIN) == (
        "施工员只在项目里起作用，不能设为全公司角色。请用：成员 添加 @某人 P-001 施工员")
    await blank.say(ADMIN, DM, "角色 添加 @钱会计 木匠")
    assert "不认识的角色「木匠」" in await blank.last_text(DM, ADMIN)
    await blank.say(ADMIN, DM, "角色 添加 无名氏 财务")
    assert await blank.last_text(DM, ADMIN) == "没有找到名叫「无名氏」的人，请用 @ 提及对方。"
    await blank.say(ADMIN, DM, "角色")
    assert "• 财务：（无人）" in await blank.last_text(DM, ADMIN)   # nothing was written


async def test_a_company_wide_role_is_refused_on_a_project(blank):
    await blank.say(ADMIN, DM, "项目 新建 滨江花园5号楼")
    await blank.say(ADMIN, DM, "成员 添加 @郑销售 P-001 销售")
    assert await blank.last_text(DM, ADMIN) == (
        "销售只作为全公司角色起作用（在单个项目里没有任何权限），不能加到项目里。请用：角色 添加 @某人 销售")


def test_the_command_line_grants_the_same_roles(db_url, capsys, monkeypatch):
    monkeypatch.setenv("SITEBOT_DATABASE_URL", db_url)
    assert main(["role", "add", "钱会计", "财务", "--identity", "feishu:ou_qian"]) == 0
    assert main(["role", "add", "钱会计", "部门主管"]) == 0
    assert main(["role", "add", "钱会计", "项目经理"]) == 1
    assert main(["role", "add", "无名氏", "财务"]) == 1
    assert main(["role", "list"]) == 0
    assert main(["role", "remove", "钱会计", "dept_head"]) == 0
    out, err = capsys.readouterr()
    assert "已让 钱会计 担任全公司的财务。" in out and "已让 钱会计 担任全公司的部门主管。" in out
    assert "• 财务：钱会计" in out and "• 部门主管：钱会计" in out
    assert "已取消 钱会计 的全公司部门主管角色。" in out
    assert "项目经理只在项目里起作用" in err and "没有找到名叫「无名氏」的人" in err
