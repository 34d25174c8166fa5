"""Words people type while setting up: roles (with the org-wide ones the project vocabulary
lacks), verbs, dates and day counts. Parsing only; the domain validates."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from domain.enums import Role
from domain.errors import InvalidInput
from handlers.chat.roles import parse_role

_MORE_ROLES = {"财务总监": Role.FINANCE_DIRECTOR, "总部工程总监": Role.HQ_ENGINEERING_DIRECTOR,
               "工程总监": Role.HQ_ENGINEERING_DIRECTOR, "finance_director": Role.FINANCE_DIRECTOR,
               "director": Role.HQ_ENGINEERING_DIRECTOR}
ADD = {"添加", "加", "新增", "add"}
REMOVE = {"移除", "删除", "去掉", "remove", "delete"}
EDIT = {"修改", "改", "编辑", "设置", "edit", "set"}
NEW = {"新建", "新增", "创建", "new", "create"}
CODE = re.compile(r"^P-?\d+$", re.IGNORECASE)
_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_SHORT = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?$")
_DAYS = re.compile(r"^\+?(\d{1,4})(?:天|日|d|days?)?$", re.IGNORECASE)


def role_word(word: str) -> Role | None:
    word = word.strip()
    return _MORE_ROLES.get(word) or _MORE_ROLES.get(word.lower()) or parse_role(word)


def clean(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII (NFKC), as people type on phones."""
    return unicodedata.normalize("NFKC", text).strip()


def project_code(word: str) -> str | None:
    """"P-001", "p1", "P001" -> "P-001"; None when the word is not a project code."""
    word = clean(word)
    if not CODE.match(word):
        return None
    digits = word[1:].lstrip("-")
    return f"P-{int(digits):03d}"


def parse_date(word: str, today: date, key: str = "setup.bad_date") -> date:
    """2026-12-01, 2026/12/1, 2026年12月1日; 12-05 is this year's (next year's when the
    month has passed by more than half a year: 在 11 月说 02-01 means next February)."""
    text = clean(word)
    full, short = _FULL.match(text), _SHORT.match(text)
    try:
        if full:
            return date(int(full.group(1)), int(full.group(2)), int(full.group(3)))
        if short:
            month, day = int(short.group(1)), int(short.group(2))
            year = today.year + (1 if month < today.month - 6 else 0)
            return date(year, month, day)
    except ValueError:
        pass
    raise InvalidInput(key, word=word[:30])


def parse_days(word: str) -> int | None:
    match = _DAYS.match(clean(word))
    return int(match.group(1)) if match else None


def pairs(words: list[str], keys: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Keyword-value pairs ("客户 星河置业 经理 @陈经理") into {field: value}, and the words
    before the first keyword. A keyword glued to its value ("计划2027-03-25") is split too;
    a keyword given twice or without a value is refused."""
    found: dict[str, str] = {}
    lead: list[str] = []
    current: str | None = None
    for raw in words:
        word = raw.strip("，,;；")
        if not word:
            continue
        key = keys.get(word.rstrip(":：").lower())
        glued = None if key else _glued(word, keys)
        if key is None and glued is not None:
            key, word = glued
        elif key is not None:
            word = ""
        if key is not None:
            if key in found:
                raise InvalidInput("setup.twice", word=raw)
            found[key], current = word, key
            continue
        if current is None:
            lead.append(word)
        else:
            found[current] = f"{found[current]} {word}".strip()
    for key, value in found.items():
        if not value:
            word = next(w for w, k in keys.items() if k == key)
            raise InvalidInput("setup.missing_value", word=word)
    return found, lead


def _glued(word: str, keys: dict[str, str]) -> tuple[str, str] | None:
    """"计划2027-03-25" or "原因：下雨" -> (field, value). Only before a digit, an @ or a
    colon, so a name such as 经理办公楼 is not taken for the keyword 经理."""
    for written, key in sorted(keys.items(), key=lambda item: -len(item[0])):
        rest = word[len(written):]
        if written.isascii() or not word.startswith(written) or not rest:
            continue
        if rest[0] in ":：":
            return key, rest[1:]
        if rest[0].isdigit() or rest[0] in "@＠+":
            return key, rest
    return None
