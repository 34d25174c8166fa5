"""`sitebot import …` / `sitebot export …` on a real database, from an empty one: a project
made the way a user makes it, then its plan, contract with payment schedule, people and
customers from sheets; exports read back as the same sheets; bad files write nothing."""
from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from bot.cli import main
from domain.projects.service import NewProject, create_project
from domain.store.engine import make_engine
from domain.store.uow import Store
from tests.imports.sheets import filled, xlsx

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


def sheet_rows(path) -> list[list[str]]:
    book = load_workbook(io.BytesIO(path.read_bytes()))
    return [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]


async def _state(db_url: str, code: str = "P-001") -> dict:
    store = Store(make_engine(db_url))
    async with store.transaction() as tx:
        project = await tx.projects.by_code(code)
        milestones = [(m.name, m.weight, str(m.planned_end)) for m in await tx.projects.milestones(project.id)]
        contracts = [(c.number, str(c.value)) for c in await tx.finance.contracts_of(project.id)]
        members = sorted((p.name, r.value) for p, r in await tx.projects.members(project.id))
        audit = [e.action for e, _ in await tx.audit.page()]
    await store.close()
    return {"milestones": milestones, "contracts": contracts, "members": members, "audit": audit}


@pytest.fixture
def company(db_url, monkeypatch, tmp_path):
    """An empty database with its admin and one project, as on a contractor's first day."""
    monkeypatch.setenv("SITEBOT_DATABASE_URL", db_url)
    assert main(["admin", "add", "管理员", "--identity", "console:管理员"]) == 0

    async def project() -> None:
        store = Store(make_engine(db_url))
        async with store.transaction() as tx:
            admin = (await tx.people.by_name("管理员"))[0]
            await create_project(tx, admin, NewProject("滨江花园5号楼"), NOW)
        await store.close()
    asyncio.run(project())
    return tmp_path


def test_plan_round_trip_and_a_second_import_changes_nothing(company, db_url, capsys):
    template = company / "template.xlsx"
    assert main(["export", "template", "plan", "--out", str(template)]) == 0
    assert sheet_rows(template)[0] == ["项目编号", "节点名称", "计划开始", "计划完成", "权重"]
    plan = company / "plan.xlsx"
    plan.write_bytes(filled("plan", [["", "基础施工", "2026-12-01", "2027-01-20", "40"],
                                     ["P-001", "主体结构封顶", "", "2027-03-25", "60"]]))
    capsys.readouterr()
    assert main(["import", "plan", str(plan), "--project", "P-001"]) == 0
    out = capsys.readouterr().out
    assert "第 2 行：新建节点：P-001 基础施工（计划完成 2027-01-20，权重 40）" in out
    assert "导入完成（计划）：新建 2 项，修改 0 项，不变 0 项。" in out
    assert main(["import", "plan", str(plan), "--project", "P-001"]) == 0
    assert "新建 0 项，修改 0 项，不变 2 项" in capsys.readouterr().out
    exported = company / "export.xlsx"
    assert main(["export", "plan", "--project", "P-001", "--out", str(exported)]) == 0
    assert sheet_rows(exported)[1:] == [["P-001", "基础施工", "2026-12-01", "2027-01-20", "40"],
                                        ["P-001", "主体结构封顶", "", "2027-03-25", "60"]]
    moved = company / "moved.xlsx"
    moved.write_bytes(filled("plan", [["P-001", "主体结构封顶", "", "2027-04-10", "60"]]))
    assert main(["import", "plan", str(moved)]) == 0
    assert "修改节点：P-001 主体结构封顶（计划完成 2027-03-25→2027-04-10）" in capsys.readouterr().out


def test_a_bad_row_refuses_the_whole_file(company, db_url, capsys):
    bad = company / "bad.xlsx"
    bad.write_bytes(filled("plan", [["P-001", "基础施工", "", "2027-01-20", "40"],
                                    ["P-001", "主体结构封顶", "", "下个月", "60"],
                                    ["P-009", "装修", "", "2027-06-01", "10"]]))
    assert main(["import", "plan", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "导入失败：有 2 处问题，没有导入任何数据。" in err
    assert "第 3 行：计划完成「下个月」不是日期（写成 2026-12-01）。" in err
    assert "第 4 行：" in err and "P-009" in err
    state = asyncio.run(_state(db_url))
    assert state["milestones"] == [] and not any(a.startswith("plan.") for a in state["audit"])
    bomb = company / "plan.xlsx"
    bomb.write_bytes(b"PK\x03\x04 renamed, not really a workbook")
    assert main(["import", "plan", str(bomb), "--project", "P-001"]) == 1
    assert "文件：这不是 .xlsx 表格文件" in capsys.readouterr().err


def test_contract_people_and_customers(company, db_url, capsys):
    plan = company / "plan.xlsx"
    plan.write_bytes(filled("plan", [["", "主体结构封顶", "", "2027-03-25", "100"]]))
    assert main(["import", "plan", str(plan)]) == 1            # no project given anywhere
    assert "第 2 行：没有填项目编号" in capsys.readouterr().err
    assert main(["import", "plan", str(plan), "--project", "p1"]) == 0
    contract = company / "contract.xlsx"
    contract.write_bytes(filled("contract", [
        ["P-001", "HT-2026-001", "1280万", "2026-11-20", "预付款", "10%", "2026-12-10", "", ""],
        ["P-001", "HT-2026-001", "", "", "进度款", "30%", "", "主体结构封顶", "30"]]))
    capsys.readouterr()
    assert main(["import", "contract", str(contract)]) == 0
    out = capsys.readouterr().out
    assert "新建合同：P-001 HT-2026-001（金额 12,800,000.00）" in out
    assert "新建付款节点：P-001 HT-2026-001 进度款（30%）" in out
    over = company / "over.xlsx"
    over.write_bytes(filled("contract", [["P-001", "HT-2026-001", "", "", "结算款", "70%", "2027-12-01", "", ""]]))
    assert main(["import", "contract", str(over)]) == 1
    assert "第 2 行：付款节点合计" in capsys.readouterr().err
    people = company / "people.xlsx"
    people.write_bytes(filled("people", [["陈经理", "项目经理", "P-001", "console:陈经理"],
                                         ["钱会计", "财务", "全公司", "console:钱会计"],
                                         ["无名氏", "施工员", "P-001", ""]]))
    assert main(["import", "people", str(people)]) == 1
    assert "第 4 行：找不到「无名氏」" in capsys.readouterr().err
    people.write_bytes(filled("people", [["陈经理", "项目经理", "P-001", "console:陈经理"],
                                         ["钱会计", "财务", "全公司", "console:钱会计"]]))
    assert main(["import", "people", str(people)]) == 0
    assert asyncio.run(_state(db_url))["members"] == [("陈经理", "project_manager")]
    exported = company / "people-out.xlsx"
    assert main(["export", "people", "--out", str(exported)]) == 0
    assert sheet_rows(exported)[1:] == [["陈经理", "项目经理", "P-001", ""], ["钱会计", "财务", "全公司", ""]]
    customers = company / "customers.xlsx"
    customers.write_bytes(xlsx([["客户名称", "类型", "联系人", "电话"],
                                ["星河置业有限公司", "开发商类", "刘总", "13800000000"]], title="客户与联系人"))
    capsys.readouterr()
    assert main(["import", "customers", str(customers)]) == 0
    assert "新建客户：星河置业有限公司（联系人 1 位）" in capsys.readouterr().out


def test_the_installed_command_runs_in_its_own_process(company, db_url):
    plan = company / "plan.xlsx"
    plan.write_bytes(filled("plan", [["P-001", "基础施工", "", "2027-01-20", "100"]]))
    env = {**os.environ, "SITEBOT_DATABASE_URL": db_url}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "import", "plan", str(plan)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "新建 1 项" in done.stdout
    assert asyncio.run(_state(db_url))["milestones"] == [("基础施工", 100, "2027-01-20")]
