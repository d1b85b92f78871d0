"""The OpenAPI schema's settings (drf-spectacular): its title, licence, tags and enum names.
docs/api.md."""

from typing import Any

# One tag per resource, the first part of the path after /api/v1/. The operation ids keep their
# v1_ prefix: drf-spectacular derives them from the same path, and clients use them.
TAGS = {
    "decisions": "What the Senior Officials decided, with provenance.",
    "changes": "What changed between two meetings, with evidence.",
    "entities": "UN entities and other organisations in the record.",
    "events": "Dated events the reports name in a workstream's section.",
    "inputs": "Co-lead inputs, merged into one progress update.",
    "intakes": "Meeting reports taken in, their extracted items, and applying them.",
    "jobs": "Background jobs, such as compiling a briefing pack.",
    "mail-events": "Bounces and complaints from the mail system, which stop a follower.",
    "meetings": "Senior Officials Meeting segments and participants.",
    "proposals": "Concept notes, topics and themes put to meetings.",
    "references": "SDG goals and targets, UNEA resolutions and MEA decisions.",
    "search": "Full-text search across the public record.",
    "timeline": "The matrix: every workstream at every meeting.",
    "tokens": "Your own API tokens.",
    "updates": "Progress updates and their editorial workflow.",
    "webhooks": "Webhook subscriptions and their deliveries.",
    "workstreams": "Workstreams, their leads and their timeline.",
}

# The schema's enums by the models' choices they are, named once for every field that has them.
ENUMS = {
    "StatusEnum": "workstreams.models.Status",
    "MeetingStatusEnum": "meetings.models.MeetingStatus",
    "EditorialStateEnum": "workstreams.models.EditorialState",
    "InputStateEnum": "workstreams.models.InputState",
    "EntityKindEnum": "meetings.models.EntityKind",
    "DocumentKindEnum": "meetings.models.DocumentKind",
    "WorkstreamKindEnum": "workstreams.models.WorkstreamKind",
    "DecisionKindEnum": "workstreams.models.DecisionKind",
    "ProposalKindEnum": "workstreams.models.ProposalKind",
    "WebhookEventEnum": "workstreams.models.WebhookEvent",
    "DeliveryStateEnum": "workstreams.models.DeliveryState",
    "EvidenceEnum": "meetings.models.Evidence",
    "MeetingStateNowEnum": "meetings.models.MeetingStateNow",
    "MandateStateEnum": "workstreams.models.MandateState",
    "MandateTermEnum": "workstreams.models.MandateTerm",
    "EventKindEnum": "workstreams.models.EventKind",
    "EventRoleEnum": "workstreams.models.EventRole",
    "ReferenceKindEnum": "workstreams.models.ReferenceKind",
    "TagOriginEnum": "workstreams.models.TagOrigin",
    "IntakeStateEnum": "intake.models.IntakeState",
}


def spectacular_settings(*, site_url: str) -> dict[str, Any]:
    """``SPECTACULAR_SETTINGS``, its contact at ``site_url``."""
    return {
        "TITLE": "EMG Workstream Tracker API",
        "DESCRIPTION": (
            "The workstreams of the UN Environment Management Group and their status at each "
            "Senior Officials Meeting, from the meeting record. Anonymous reads see published "
            "content only."
        ),
        "VERSION": "1.0.0",
        "CONTACT": {"name": "EMG Secretariat", "url": site_url},
        # What the API serves is the EMG's public meeting record; reuse it, naming the source. The
        # repository holds no licence of the code: this one is of the content (docs/api.md).
        "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        # Relative: the site that serves the schema, wherever that is. An absolute SITE_URL would
        # send the docs' "Try it out" to another origin when the site is reached by another name.
        "SERVERS": [{"url": "/", "description": "This site"}],
        "TAGS": [{"name": name, "description": about} for name, about in TAGS.items()],
        "SERVE_INCLUDE_SCHEMA": False,
        "SWAGGER_UI_DIST": "SIDECAR",
        # No badge from validator.swagger.io: nothing loads from another host, and the schema's
        # address is not sent there.
        # No deep links: their in-page addresses (#/decisions) name no element, which
        # HTML_CodeSniffer reports as links to nowhere (WCAG 2.4.1), and their links sit inside
        # the operations' buttons.
        "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "COMPONENT_SPLIT_REQUEST": True,
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "emgtracker.openapi.allow_empty_filters",
            "emgtracker.openapi.nullable_references",
            "emgtracker.openapi.anonymous_reads",
            "emgtracker.openapi.drop_unused_components",
        ],
        "ENUM_NAME_OVERRIDES": ENUMS,
    }
