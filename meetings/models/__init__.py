"""Who and when: Senior Officials Meetings, their agenda, documents, entities, people and attendance.

This app imports nothing from ``workstreams``; workstreams point here, never the reverse.
"""

from meetings.models.agenda import AgendaItem, Attendance, Intervention
from meetings.models.documents import (
    Document,
    DocumentKind,
    DocumentQuerySet,
    Sourced,
    document_token,
)
from meetings.models.entities import Entity, EntityKind, EntityVariant, Person
from meetings.models.evidence import Evidence, evidence_constraints
from meetings.models.meeting import (
    DatePrecision,
    Meeting,
    MeetingFormat,
    MeetingQuerySet,
    MeetingStateNow,
    MeetingStatus,
    Segment,
    date_with_precision,
    validate_time_zone,
)
from meetings.models.record import RecordVersion
from meetings.models.translated import Translated, TranslationState

__all__ = [
    "AgendaItem",
    "Attendance",
    "DatePrecision",
    "Document",
    "DocumentKind",
    "DocumentQuerySet",
    "Entity",
    "EntityKind",
    "EntityVariant",
    "Evidence",
    "Intervention",
    "Meeting",
    "MeetingFormat",
    "MeetingQuerySet",
    "MeetingStateNow",
    "MeetingStatus",
    "Person",
    "RecordVersion",
    "Segment",
    "Sourced",
    "Translated",
    "TranslationState",
    "date_with_precision",
    "document_token",
    "evidence_constraints",
    "validate_time_zone",
]
