"""What and its status: workstreams, their leads, progress updates, proposals and decisions.

One module a concept: ``workstream`` (workstreams, leads, focal points), ``progress`` (updates,
proposals), ``decisions`` (decisions and mandates), ``timeline`` (the status of a workstream at a
meeting), ``events`` (the dated events a report names in a workstream's section), ``inputs`` (the
co-lead inputs), ``references`` (SDG targets, UNEA resolutions, MEA decisions and the tags that
refer to them), ``following`` (who follows a workstream by e-mail), ``jobs`` (the briefing pack's
job), ``loaded`` (the record loader's bookkeeping) and ``delivery`` (the rows of the ``delivery``
package). Import them from here.
"""

from workstreams.models.decisions import (
    MANDATE_KINDS,
    Decision,
    DecisionKind,
    DecisionQuerySet,
    MandateTerm,
)
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
from workstreams.models.following import (
    Follower,
    FollowerQuerySet,
    FollowEvent,
    FollowMessage,
    FollowMessageState,
    StopReason,
)
from workstreams.models.inputs import InputState, ProgressInput, ProgressInputQuerySet
from workstreams.models.jobs import Job, JobKind, JobState
from workstreams.models.loaded import LoadedRow
from workstreams.models.progress import (
    EditorialState,
    ProgressUpdate,
    ProgressUpdateQuerySet,
    Proposal,
    ProposalKind,
    ProposalQuerySet,
)
from workstreams.models.references import (
    FrameworkReference,
    ReferenceKind,
    ReferenceTag,
    TagOrigin,
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
    "FollowEvent",
    "FollowMessage",
    "FollowMessageState",
    "Follower",
    "FollowerQuerySet",
    "FrameworkReference",
    "InputState",
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
    "ProgressInput",
    "ProgressInputQuerySet",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "Proposal",
    "ProposalKind",
    "ProposalQuerySet",
    "ReferenceKind",
    "ReferenceTag",
    "Status",
    "StopReason",
    "TagOrigin",
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
