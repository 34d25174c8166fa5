"""How people name roles in chat (zh-CN and English) -> Role."""
from __future__ import annotations

from domain.enums import Role

ROLE_WORDS: dict[str, Role] = {
    "施工员": Role.FOREMAN, "班组长": Role.FOREMAN, "foreman": Role.FOREMAN,
    "工程师": Role.ENGINEER, "技术员": Role.ENGINEER, "engineer": Role.ENGINEER,
    "质检员": Role.QUALITY_OFFICER, "质量员": Role.QUALITY_OFFICER, "quality": Role.QUALITY_OFFICER,
    "安全员": Role.SAFETY_OFFICER, "safety": Role.SAFETY_OFFICER,
    "项目经理": Role.PROJECT_MANAGER, "pm": Role.PROJECT_MANAGER, "manager": Role.PROJECT_MANAGER,
    "部门主管": Role.DEPT_HEAD, "主管": Role.DEPT_HEAD, "head": Role.DEPT_HEAD,
    "总部客服": Role.HQ_SERVICE, "客服": Role.HQ_SERVICE, "service": Role.HQ_SERVICE,
    "财务": Role.FINANCE, "finance": Role.FINANCE,
    "销售": Role.SALES, "sales": Role.SALES,
    "业主": Role.CUSTOMER_CONTACT, "客户": Role.CUSTOMER_CONTACT, "customer": Role.CUSTOMER_CONTACT,
    "监理": Role.SUPERVISOR, "监理工程师": Role.SUPERVISOR,
} | {role.value: role for role in Role}


def parse_role(word: str) -> Role | None:
    return ROLE_WORDS.get(word.strip().lower())
