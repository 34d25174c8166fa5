"""Reading sheets, pure: each kind of bad file or cell gets one clear problem (per row for
rows), and a template filled in reads back as records."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from bot.platforms import ACCOUNT_PLATFORMS
from domain.imports.rows import Parsed, read as read_rows
from domain.imports.schema import KINDS, PLAN
from domain.imports.template import workbook_bytes
from domain.imports.workbook import MAX_FILE_BYTES
from handlers.setup.words import role_word
from tests.imports.sheets import filled, xlsx, zip_bomb

ACCOUNTS = frozenset({"feishu", "wecom", "dingtalk", "console"})   # what bot/platforms.py passes


def read(data: bytes, role_word, kind: str | None = None) -> Parsed:  # noqa: ANN001
    return read_rows(data, role_word, kind, platforms=ACCOUNTS)

PLAN_HEADER = PLAN.headers()


def keys(parsed) -> list[tuple[int, str]]:
    return [(p.row, p.key) for p in parsed.problems]


def test_every_template_reads_back_as_its_example_rows():
    for kind in KINDS.values():
        data = workbook_bytes(kind, kind.example, ["说明", "• 填写"])
        parsed = read(data, role_word)
        assert parsed.kind is kind and parsed.problems == [], (kind.name, parsed.problems)
        assert len(parsed.records) == len(kind.example)


def test_plan_rows_read_text_and_excel_dates_numbers_and_weights():
    data = filled("plan", [["p1", "基础", datetime(2026, 12, 1), "2027/1/20", 20.0],
                           ["", "封顶", "", "2027年3月25日", "30"]])
    parsed = read(data, role_word)
    assert parsed.problems == []
    first, second = parsed.records
    assert (first.project, first.start, first.end, first.weight) == ("P-001", date(2026, 12, 1),
                                                                    date(2027, 1, 20), 20)
    assert (second.project, second.end, second.weight) == (None, date(2027, 3, 25), 30)


def test_bad_cells_get_one_problem_per_row_naming_the_cell():
    data = filled("plan", [["P-001", "基础", "明天", "", ""],
                           ["P-001", "封顶", "", "2027-03-25", "130"],
                           ["P-001", "", "", "", "10"],
                           ["P-001", "装修", "2027-05-01", "2027-04-01", "10"],
                           ["P-001", "验收", "", "2027-06-01", "10"]])
    parsed = read(data, role_word)
    assert keys(parsed) == [(2, "imports.cell.bad_date"), (3, "imports.cell.bad_number"),
                            (4, "imports.cell.missing"), (5, "imports.cell.end_before_start")]
    assert [r.name for r in parsed.records] == ["验收"]


def test_contract_amounts_and_shares():
    data = filled("contract", [["P-001", "HT-1", "1280万", "2026-11-20", "预付款", "10%", "2026-12-10", "", ""],
                               ["P-001", "HT-1", "", "", "进度款", "128万", "", "封顶", "30"],
                               ["P-001", "HT-1", "", "", "结算款", "120%", "2027-12-01", "", ""],
                               ["P-001", "HT-1", "一千万", "", "", "", "", "", ""],
                               ["P-001", "HT-1", "", "", "质保金", "5%", "2027-12-01", "封顶", ""]])
    parsed = read(data, role_word)
    assert keys(parsed) == [(4, "imports.cell.bad_percent"), (5, "imports.cell.bad_money"),
                            (6, "imports.cell.due_or_trigger")]
    first, second = parsed.records
    assert first.value == Decimal("12800000") and first.payment.percent == Decimal(10)
    assert second.payment.amount == Decimal("1280000") and second.payment.trigger == "封顶"
    assert second.payment.offset == 30 and second.payment.kind.value == "progress"


def test_people_roles_scope_and_accounts():
    data = filled("people", [["陈经理", "项目经理", "P-001", ""], ["钱会计", "财务", "全公司", ""],
                             ["某人", "厨师", "P-001", ""], ["新人", "施工员", "", "qq:123"]])
    parsed = read(data, role_word)
    assert keys(parsed) == [(4, "imports.cell.bad_role"), (5, "imports.cell.bad_account")]
    assert [(r.name, r.role.value, r.project) for r in parsed.records] == [
        ("陈经理", "project_manager", "P-001"), ("钱会计", "finance", "*")]


def test_account_platforms_are_the_ones_passed_in():
    """The names an account may start with come from the composition root (bot/platforms.py),
    not from a list of the sheet reader's own."""
    data = filled("people", [["新人", "施工员", "P-001", "wecom:ZhangSan"], ["老李", "施工员", "P-001", "qq:1"]])
    assert keys(read_rows(data, role_word, platforms={"wecom"})) == [(3, "imports.cell.bad_account")]
    assert keys(read_rows(data, role_word, platforms={"wecom", "qq"})) == []
    assert keys(read_rows(data, role_word, platforms={"console"})) == [(2, "imports.cell.bad_account"),
                                                                      (3, "imports.cell.bad_account")]
    assert "dingtalk" in ACCOUNT_PLATFORMS and "console" in ACCOUNT_PLATFORMS


def test_missing_and_unknown_columns_refuse_the_header_whole():
    data = xlsx([["项目编号", "计划完成", "负责人"], ["P-001", "2027-01-01", "张三"]])
    parsed = read(data, role_word, "plan")
    assert keys(parsed) == [(1, "imports.file.columns")]
    assert parsed.problems[0].params["missing"] == "节点名称"
    assert parsed.problems[0].params["unknown"] == "负责人"


def test_merged_cells_extra_sheets_and_formulas_are_refused():
    merged = read(xlsx([PLAN_HEADER, ["P-001", "基础", "", "", 10]], merge="A2:B2"), role_word)
    assert keys(merged) == [(0, "imports.file.merged")] and merged.problems[0].params["cells"] == "A2:B2"
    extra = read(xlsx([PLAN_HEADER, ["P-001", "基础", "", "", 10]], more_sheets=("Sheet2",)), role_word)
    assert keys(extra) == [(0, "imports.file.extra_sheets")]
    notes_ok = read(xlsx([PLAN_HEADER, ["P-001", "基础", "", "", 10]], more_sheets=("说明",)), role_word)
    assert notes_ok.problems == []
    formula = read(xlsx([PLAN_HEADER, ["P-001", "基础", "", "", "=10+10"]]), role_word)
    assert keys(formula) == [(2, "imports.file.formula")] and formula.problems[0].params["cell"] == "E2"


def test_ten_thousand_rows_are_refused_without_reading_them_all():
    rows = [PLAN_HEADER] + [["P-001", f"节点{i}", "", "", 0] for i in range(10_000)]
    parsed = read(xlsx(rows), role_word)
    assert keys(parsed) == [(0, "imports.file.too_many_rows")]
    assert parsed.problems[0].params["limit"] == PLAN.max_rows


def test_not_xlsx_renamed_zip_bomb_encrypted_or_too_big():
    assert keys(read(b"%PDF-1.4 not a sheet", role_word)) == [(0, "imports.file.not_xlsx")]
    assert keys(read(b"a,b,c\n1,2,3\n", role_word)) == [(0, "imports.file.not_xlsx")]
    bomb = zip_bomb(200)
    assert len(bomb) < 1024 * 1024
    assert keys(read(bomb, role_word)) == [(0, "imports.file.bomb")]
    truncated = workbook_bytes(PLAN, PLAN.example)[:3000]
    assert keys(read(truncated, role_word)) == [(0, "imports.file.not_xlsx")]
    assert keys(read(b"PK\x03\x04" + b"\0" * (MAX_FILE_BYTES + 1), role_word)) == [(0, "imports.file.too_big")]


def test_a_sheet_of_no_known_kind_says_so():
    parsed = read(xlsx([["甲", "乙"], ["1", "2"]], title="Sheet1"), role_word)
    assert parsed.kind is None and keys(parsed) == [(0, "imports.file.unknown_kind")]
