"""What and its status: workstreams, their leads, progress updates, proposals and decisions.

One module a concept: ``workstream`` (workstreams, leads, focal points), ``progress`` (updates,
proposals, decisions), ``timeline`` (the status of a workstream at a meeting), ``events`` (the dated events
a report names in a workstream's section), ``jobs`` (the
briefing pack's job), ``loaded`` (the record loader's bookkeeping) and ``delivery`` (the rows of
the ``delivery`` package). Import them from here.
"""

from workstreams.models.delivery import (
    DeliveryState,
    Notice,
    NoticeKind,
    OutboxMessage,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from workstreams.models.events import EventKind, EventRole, WorkstreamEvent
from workstreams.models.jobs import Job, JobKind, JobState
from workstreams.models.loaded import LoadedRow
from workstreams.models.progress import (
    MANDATE_KINDS,
    Decision,
    DecisionKind,
    DecisionQuerySet,
    EditorialState,
    MandateTerm,
    ProgressUpdate,
    ProgressUpdateQuerySet,
    Proposal,
    ProposalKind,
    ProposalQuerySet,
)
from workstreams.models.timeline import RUNNING_STATUSES, Basis, Status, TimelineEntry
from workstreams.models.workstream import (
    FocalPoint,
    LeadRole,
    MandateState,
    Workstream,
    WorkstreamKind,
    WorkstreamLead,
    WorkstreamQuerySet,
)

__all__ = [
    "MANDATE_KINDS",
    "RUNNING_STATUSES",
    "Basis",
    "Decision",
    "DecisionKind",
    "DecisionQuerySet",
    "DeliveryState",
    "EditorialState",
    "EventKind",
    "EventRole",
    "FocalPoint",
    "Job",
    "JobKind",
    "JobState",
    "LeadRole",
    "LoadedRow",
    "MandateState",
    "MandateTerm",
    "Notice",
    "NoticeKind",
    "OutboxMessage",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "Proposal",
    "ProposalKind",
    "ProposalQuerySet",
    "Status",
    "TimelineEntry",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "Workstream",
    "WorkstreamEvent",
    "WorkstreamKind",
    "WorkstreamLead",
    "WorkstreamQuerySet",
]
