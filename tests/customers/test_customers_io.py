"""Import and export of customers and contacts (CSV and Excel): round trips, and files with
wrong columns or bad rows refused as a whole with a per-row report."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import data_file

HEADER = "客户名称,类型,等级,标签,预算下限,预算上限,备注,联系人,职务,电话,邮箱,偏好渠道,邮件接收"


def cli(*args: str, db_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SITEBOT_DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_export_import_round_trip(db_url, tmp_path: Path, fmt):
    assert cli("demo", db_url=db_url).returncode == 0
    first = tmp_path / f"first.{fmt}"
    out = cli("customers", "export", "--format", fmt, "--out", str(first), db_url=db_url)
    assert out.returncode == 0 and "已导出 2 行" in out.stdout
    again = cli("customers", "import", str(first), db_url=db_url)
    assert again.returncode == 0, again.stderr
    assert "新建客户 0 个，更新 2 个，联系人 2 个" in again.stdout
    second = tmp_path / f"second.{fmt}"
    cli("customers", "export", "--format", fmt, "--out", str(second), db_url=db_url)
    from domain.customers.io import read_table
    assert read_table(first) == read_table(second)
    rows = read_table(second)
    assert rows[0] == HEADER.split(",")
    assert rows[1][:6] == ["星河置业有限公司", "开发商类", "A", "VIP、重点跟进", "10000000.00", "50000000.00"]
    assert rows[1][7:10] == ["刘总", "业主代表", "138-0000-0001"]


async def test_import_new_customers_from_csv_then_from_excel(db_url, tmp_path: Path):
    result = cli("customers", "import", str(data_file("customers/customers_good.csv")), db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "新建客户 2 个，更新 0 个，联系人 3 个" in result.stdout
    book = Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["华景地产", "开发商", "B", "", 8000000, "1.2亿", "", "孙经理", "", "", "", ""])
    path = tmp_path / "more.xlsx"
    book.save(path)
    result = cli("customers", "import", str(path), db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "新建客户 0 个，更新 1 个，联系人 1 个" in result.stdout
    export = tmp_path / "all.csv"
    cli("customers", "export", "--out", str(export), db_url=db_url)
    text = export.read_text(encoding="utf-8-sig")
    assert "华景地产,开发商类,B,,8000000.00,120000000.00" in text
    assert text.count("华景地产") == 3     # two contacts from the CSV, one from Excel


async def test_bad_rows_are_reported_and_nothing_is_imported(db_url):
    result = cli("customers", "import", str(data_file("customers/customers_bad.csv")), db_url=db_url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "导入失败：发现 5 处问题，没有导入任何数据。"
    assert lines[1:] == [
        "第 3 行: 类型「房东」不对，应为 政府类、开发商类 或 第三方机构类。",
        "第 4 行: 预算上限「很多」不是有效金额。",
        "第 5 行: 缺少客户名称（或超过 200 字）。",
        "第 6 行: 「华景地产」的等级与第 2 行不一致。",
        "第 7 行: 填写了联系方式但缺少联系人姓名。",
    ]
    export = cli("customers", "export", "--out", "/dev/stdout", db_url=db_url)
    assert "华景地产" not in export.stdout     # the good rows were not imported either


async def test_wrong_columns_are_named(db_url, tmp_path: Path):
    path = tmp_path / "wrong.csv"
    path.write_text("公司,类型,地址\n华景地产,开发商类,临江\n", encoding="utf-8")
    result = cli("customers", "import", str(path), db_url=db_url)
    assert result.returncode == 1
    assert "第 1 行: 表头不对：不认识的列 公司、地址；缺少的列 客户名称" in result.stderr
    missing = cli("customers", "import", str(tmp_path / "nope.csv"), db_url=db_url)
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
