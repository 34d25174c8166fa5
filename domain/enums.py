"""Closed vocabularies of the business. Values are stored in the database; never rename them."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FOREMAN = "foreman"                  # 施工员/班组长
    ENGINEER = "engineer"                # 工程师
    QUALITY_OFFICER = "quality_officer"  # 质检员
    SAFETY_OFFICER = "safety_officer"    # 安全员
    PROJECT_MANAGER = "project_manager"  # 项目经理
    DEPT_HEAD = "dept_head"              # 部门主管
    HQ_SERVICE = "hq_service"            # 总部客服
    FINANCE = "finance"                  # 财务
    SALES = "sales"                      # 销售
    CUSTOMER_CONTACT = "customer_contact"  # 业主 (the owner's contact; 监理 too, added before SUPERVISOR)
    SUPERVISOR = "supervisor"              # 监理: the owner's supervising engineer on a project
    HQ_ENGINEERING_DIRECTOR = "hq_engineering_director"  # 总部工程总监 (org-wide; approves big changes)
    FINANCE_DIRECTOR = "finance_director"  # 财务总监 (org-wide; last step of dunning)


# Roles that see and act across a project's tickets, not only their own.
MANAGER_ROLES = frozenset({Role.PROJECT_MANAGER, Role.DEPT_HEAD, Role.HQ_SERVICE})
# The customer's side of a project: they see it as the customer does (shared tickets, the page),
# never internal notes; the 监理 signs off acceptance records with the owner's contact.
CUSTOMER_SIDE = frozenset({Role.CUSTOMER_CONTACT, Role.SUPERVISOR})
STAFF_ROLES = frozenset(Role) - CUSTOMER_SIDE


class Audience(StrEnum):
    INTERNAL = "internal"
    CUSTOMER = "customer"


class Category(StrEnum):
    QUALITY = "quality"            # 质量
    SAFETY = "safety"              # 安全
    PROGRESS = "progress"          # 进度
    TECHNICAL = "technical"        # 技术
    MATERIAL = "material"          # 材料
    COORDINATION = "coordination"  # 协调
    COMPLAINT = "complaint"        # 投诉


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class TicketStatus(StrEnum):
    OPEN = "open"                # assigned, waiting to be accepted
    IN_PROGRESS = "in_progress"  # accepted by the assignee
    RESOLVED = "resolved"        # the assignee says it is fixed
    CLOSED = "closed"


OPEN_STATUSES = frozenset({TicketStatus.OPEN, TicketStatus.IN_PROGRESS})


class TicketVisibility(StrEnum):
    """Who sees a ticket besides the site team (domain/tickets/visibility.py decides)."""
    INTERNAL = "internal"    # the site team only (the default)
    CUSTOMER = "customer"    # raised in the customer group or by a customer contact
    SHARED = "shared"        # shared with the customer by a manager (共享 T-12)


class CustomerType(StrEnum):
    GOVERNMENT = "government"    # 政府类
    DEVELOPER = "developer"      # 开发商类
    THIRD_PARTY = "third_party"  # 第三方机构类


class ChangeKind(StrEnum):
    DESIGN = "design"        # 设计变更
    SCHEDULE = "schedule"    # 工期调整
    BUDGET = "budget"        # 预算增补


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class PaymentKind(StrEnum):
    ADVANCE = "advance"        # 预付款
    PROGRESS = "progress"      # 进度款
    SETTLEMENT = "settlement"  # 结算款
    RETENTION = "retention"    # 质保金
