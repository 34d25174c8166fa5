"""Words in import sheets and the 模板 command: which sheet, and role names (the chat's role
words plus the org-wide ones only the 人员 sheet and 角色 use)."""
from __future__ import annotations

from domain.enums import Role
from handlers.chat.roles import parse_role

_MORE_ROLES = {"财务总监": Role.FINANCE_DIRECTOR, "总部工程总监": Role.HQ_ENGINEERING_DIRECTOR,
               "工程总监": Role.HQ_ENGINEERING_DIRECTOR, "业主/监理": Role.CUSTOMER_CONTACT}
SHEETS = {"计划": "plan", "节点": "plan", "plan": "plan", "合同": "contract", "付款": "contract",
          "contract": "contract", "人员": "people", "成员": "people", "角色": "people", "people": "people",
          "客户": "customers", "customers": "customers", "customer": "customers"}


def role_word(word: str) -> Role | None:
    word = word.strip()
    return _MORE_ROLES.get(word) or parse_role(word)


def sheet_word(word: str) -> str | None:
    return SHEETS.get(word.strip().lower())
