"""The entities. Importing this package registers every table on `Base.metadata`."""
from domain.store.models.people import Identity, Person
from domain.store.models.customers import Contact, Customer, Opportunity
from domain.store.models.projects import ChatBinding, DailyLog, Milestone, Project, ProjectMember
from domain.store.models.tickets import (ReportDraft, Ticket, TicketAttachment, TicketEvent,
                                         TicketSurvey)
from domain.store.models.changes import ApprovalStep, ChangeRequest
from domain.store.models.finance import Contract, Payment, PaymentMilestone
from domain.store.models.infra import (AuditEntry, CardPost, InboundEvent, InboxEvent, OutboxMessage,
                                       ScheduledRun)
from domain.store.models.progress import MilestoneUpdate
from domain.store.models.signatures import SignatureBinding
from domain.store.models.reports import NpsSurvey, ReportWatch
from domain.store.models.integrations import ApiIdempotency, ApiToken  # noqa: F401 - registers the open API tables
from domain.store.models.webhooks import WebhookEvent, WebhookSubscription  # noqa: F401 - outbound webhooks
from domain.store.models.site import AcceptanceRecord, SiteInspection  # noqa: F401 - site capture (issue 17)
from domain.store.models.resolutions import TicketResolution  # noqa: F401 - resolution notes (issue 16)
from domain.store.models.confirmations import ChatConfirmation  # noqa: F401 - questions before big effects (issue 16)

__all__ = [
    "ReportDraft",
    "ApprovalStep", "AuditEntry", "CardPost", "ChangeRequest", "ChatBinding", "Contact", "Contract",
    "Customer", "DailyLog", "Identity", "InboundEvent", "InboxEvent", "Milestone", "Opportunity", "OutboxMessage",
    "Payment", "PaymentMilestone", "Person", "Project", "ProjectMember", "ScheduledRun", "SignatureBinding",
    "Ticket",
    "TicketAttachment", "TicketEvent", "TicketSurvey", "MilestoneUpdate", "NpsSurvey", "ReportWatch",
]
