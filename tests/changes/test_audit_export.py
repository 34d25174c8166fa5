"""`sitebot audit export`: every step of a change (who, when, decision, reason, platform,
message) comes out of the append-only log as CSV or xlsx, run as the real command line."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from openpyxl import load_workbook

SITE = "p001-site"


def sitebot(*args: str, db_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "SITEBOT_DATABASE_URL": db_url}, timeout=120)


async def a_decided_change(console) -> None:  # noqa: ANN001
    await console.say("u-chen", SITE, "变更 预算增补 +120000 原因：地下室防水加做一道卷材")
    await console.press("u-zhou", "dm", await console.last_bot("dm", user="u-zhou"), "同意")
    await console.say("u-guo", "dm", "驳回 C-1 原因：造价偏高，请重新询价")


async def test_csv_export(console, db_url, tmp_path):
    await a_decided_change(console)
    out = tmp_path / "audit.csv"
    result = sitebot("audit", "export", "--out", str(out), db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "exported" in result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")                 # BOM: Excel reads the Chinese
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    steps = [r for r in rows if r["subject_id"] == "C-1"]
    assert [(r["action"], r["actor"], r["decision"]) for r in steps] == [
        ("change.raise", "陈经理", ""), ("change.approve", "周主管", "approved"),
        ("change.reject", "郭总监", "rejected")]
    reject = steps[-1]
    assert reject["reason"] == "造价偏高，请重新询价" and reject["platform"] == "console"
    assert reject["at"] == "2026-11-23T14:00:00+08:00" and reject["message_ref"].startswith("cm-")
    assert json.loads(reject["data"])["step"] == 2
    assert steps[1]["message_ref"]                                      # the pressed card's message


async def test_csv_to_stdout_and_xlsx(console, db_url, tmp_path):
    await a_decided_change(console)
    result = sitebot("audit", "export", db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("id,at,actor,actor_id,platform,action")
    assert "change.reject" in result.stdout
    out = tmp_path / "audit.xlsx"
    result = sitebot("audit", "export", "--format", "xlsx", "--out", str(out), db_url=db_url)
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out, read_only=True)["audit"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("id", "at", "actor", "actor_id", "platform", "action")
    change_rows = [dict(zip(header, r)) for r in rows[1:] if r[7] == "C-1"]
    assert [r["action"] for r in change_rows] == ["change.raise", "change.approve", "change.reject"]
    assert change_rows[-1]["reason"] == "造价偏高，请重新询价"
