"""The permission matrix: each role × model × action, asked of the rules the admin and API share.

Every "can" has a "cannot" twin: the same action on the same model refused to another role or on
another row; ``test_every_can_has_a_cannot_twin`` keeps the table honest.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Entity,
    Intervention,
    Meeting,
    Person,
)
from tests.factories import ProgressUpdateFactory, UserFactory
from workstreams.models import (
    Decision,
    Notice,
    OutboxMessage,
    ProgressUpdate,
    Proposal,
    TimelineEntry,
    WebhookDelivery,
    WebhookSubscription,
    Workstream,
    WorkstreamLead,
)

pytestmark = pytest.mark.usefixtures("record")

ROLES = ["secretariat", "focal_point", "viewer", "no_role"]
RECORD_MODELS: list[type[models.Model]] = [
    Meeting,
    AgendaItem,
    Document,
    Entity,
    Person,
    Attendance,
    Intervention,
    Workstream,
    WorkstreamLead,
    Decision,
    Proposal,
]


def _user(role: str) -> User:
    if role == "focal_point":
        return UserFactory.create(role="focal_point", entity="UNESCO")
    return UserFactory.create(role=None if role == "no_role" else role)


def _perm(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


# (role, model, action, row, expected). ``row`` is None for a question about the whole model.
Case = tuple[str, type[models.Model], str, str | None, bool]


def _record_cases() -> list[Case]:
    cases: list[Case] = []
    for model in RECORD_MODELS:
        for row in (None, "any"):
            cases += [
                ("secretariat", model, "view", row, True),
                ("viewer", model, "view", row, True),
                ("focal_point", model, "view", row, False),
                ("no_role", model, "view", row, False),
            ]
            for action in ("add", "change", "delete"):
                if action == "add" and row is not None:
                    continue
                cases += [
                    ("secretariat", model, action, row, True),
                    ("viewer", model, action, row, False),
                    ("focal_point", model, action, row, False),
                    ("no_role", model, action, row, False),
                ]
    for role in ROLES:
        cases.append((role, TimelineEntry, "view", None, role in {"secretariat", "viewer"}))
        cases += [
            (role, TimelineEntry, action, None, False) for action in ("add", "change", "delete")
        ]
    return cases


# Updates: UNESCO leads the IMG on Biodiversity, UNEP the IMG on Human Rights and the Environment.
UPDATE_ROWS = ["own_draft", "own_submitted", "own_published", "other_draft"]
UPDATE_EXPECTED: dict[str, dict[str, set[str | None]]] = {
    # action: role: the rows it may act on (None: the model as a whole)
    "view": {
        "secretariat": {None, *UPDATE_ROWS},
        "viewer": {None, *UPDATE_ROWS},
        "focal_point": {None, "own_draft", "own_submitted", "own_published"},
        "no_role": set(),
    },
    "add": {"secretariat": {None}, "focal_point": {None}, "viewer": set(), "no_role": set()},
    "change": {
        "secretariat": {None, *UPDATE_ROWS},
        "focal_point": {None, "own_draft", "own_submitted"},
        "viewer": set(),
        "no_role": set(),
    },
    "delete": {
        "secretariat": {None, *UPDATE_ROWS},
        "focal_point": set(),
        "viewer": set(),
        "no_role": set(),
    },
    "submit": {
        "secretariat": {None, *UPDATE_ROWS},
        "focal_point": {None, "own_draft"},
        "viewer": set(),
        "no_role": set(),
    },
    "publish": {
        "secretariat": {None, *UPDATE_ROWS},
        "focal_point": set(),
        "viewer": set(),
        "no_role": set(),
    },
    "return": {
        "secretariat": {None, *UPDATE_ROWS},
        "focal_point": set(),
        "viewer": set(),
        "no_role": set(),
    },
}


def _update_cases() -> list[Case]:
    cases: list[Case] = []
    for action, by_role in UPDATE_EXPECTED.items():
        rows: list[str | None] = [None] if action == "add" else [None, *UPDATE_ROWS]
        for role in ROLES:
            cases += [(role, ProgressUpdate, action, row, row in by_role[role]) for row in rows]
    return cases


# Webhooks: a login with a role manages its own subscriptions and reads their deliveries; the
# secretariat all of them. Deliveries are written only by the workers.
WEBHOOK_ROWS = ["own", "others"]
MANAGES_OWN = {"secretariat": {None, *WEBHOOK_ROWS}, "focal_point": {None, "own"}}
MANAGES_OWN |= {"viewer": {None, "own"}, "no_role": set()}
WEBHOOK_EXPECTED: dict[type[models.Model], dict[str, dict[str, set[str | None]]]] = {
    WebhookSubscription: {
        "view": MANAGES_OWN,
        "add": {role: set() if role == "no_role" else {None} for role in ROLES},
        "change": MANAGES_OWN,
        "delete": MANAGES_OWN,
    },
    WebhookDelivery: {
        "view": MANAGES_OWN,
        **{action: {role: set() for role in ROLES} for action in ("add", "change", "delete")},
    },
}
# What was e-mailed, and the outbox: the secretariat reads them; a notice deleted is sent again.
SECRETARIAT_READS: dict[type[models.Model], set[str]] = {
    Notice: {"view", "delete"},
    OutboxMessage: {"view"},
}


def _webhook_cases() -> list[Case]:
    cases: list[Case] = []
    for model, by_action in WEBHOOK_EXPECTED.items():
        for action, by_role in by_action.items():
            rows: list[str | None] = [None] if action == "add" else [None, *WEBHOOK_ROWS]
            for role in ROLES:
                cases += [(role, model, action, row, row in by_role[role]) for row in rows]
    for model, allowed in SECRETARIAT_READS.items():
        for action in ("view", "add", "change", "delete"):
            for role in ROLES:
                cases.append(
                    (role, model, action, None, role == "secretariat" and action in allowed)
                )
    return cases


CASES = _record_cases() + _update_cases() + _webhook_cases()


def _row(model: type[models.Model], row: str, user: User) -> Any:
    if model in WEBHOOK_EXPECTED:
        owner = user if row == "own" else UserFactory.create(role="viewer")
        subscription = WebhookSubscription.objects.create(
            owner=owner,
            url="https://hooks.example.org/",
            events=["meeting.added"],
            secret="whsec_" + "A" * 43 + "=",
        )
        if model is WebhookSubscription:
            return subscription
        return WebhookDelivery.objects.create(
            subscription=subscription, event="meeting.added", payload={}
        )
    if model is not ProgressUpdate:
        return model._default_manager.first()
    workstream = "img-human-rights-environment" if row == "other_draft" else "img-biodiversity"
    state = row.split("_")[1]
    return ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug=workstream),
        state=state,
        published_at=timezone.now() if state == "published" else None,
    )


@pytest.mark.parametrize(
    ("role", "model", "action", "row", "expected"),
    CASES,
    ids=[
        f"{role}-{'can' if ok else 'cannot'}-{action}-{model._meta.model_name}-{row or 'model'}"
        for role, model, action, row, ok in CASES
    ],
)
def test_permission(
    role: str, model: type[models.Model], action: str, row: str | None, expected: bool
) -> None:
    user = _user(role)
    obj = None if row is None else _row(model, row, user)
    assert user.has_perm(_perm(model, action), obj) is expected


def test_every_can_has_a_cannot_twin() -> None:
    refused = {(model, action, row) for _, model, action, row, ok in CASES if not ok}
    refused_anywhere = {(model, action) for model, action, _ in refused}
    for role, model, action, row, ok in CASES:
        if ok:
            assert (model, action) in refused_anywhere, (role, model, action, row)


def test_superuser_may_do_anything_but_the_workflow_still_applies() -> None:
    admin = User.objects.create_superuser("root", password="x" * 12)
    update = ProgressUpdateFactory.create()
    assert admin.has_perm("workstreams.publish_progressupdate", update)


def test_inactive_focal_point_may_do_nothing() -> None:
    user = UserFactory.create(role="focal_point", entity="UNESCO", is_active=False)
    update = ProgressUpdateFactory.create()
    assert not user.has_perm("workstreams.change_progressupdate", update)


ADMIN_PAGES: list[tuple[str, Callable[[str], bool]]] = [
    ("meetings/meeting/", lambda role: role in {"secretariat", "viewer"}),
    ("meetings/attendance/", lambda role: role in {"secretariat", "viewer"}),
    ("workstreams/workstream/", lambda role: role in {"secretariat", "viewer"}),
    ("workstreams/decision/", lambda role: role in {"secretariat", "viewer"}),
    ("workstreams/timelineentry/", lambda role: role in {"secretariat", "viewer"}),
    ("workstreams/progressupdate/", lambda role: role != "no_role"),
    ("workstreams/progressupdate/add/", lambda role: role in {"secretariat", "focal_point"}),
    ("workstreams/workstream/add/", lambda role: role == "secretariat"),
    ("meetings/meeting/add/", lambda role: role == "secretariat"),
    ("workstreams/webhooksubscription/", lambda role: role != "no_role"),
    ("workstreams/webhooksubscription/add/", lambda role: role != "no_role"),
    ("workstreams/webhookdelivery/", lambda role: role != "no_role"),
    ("workstreams/notice/", lambda role: role == "secretariat"),
    ("workstreams/outboxmessage/", lambda role: role == "secretariat"),
    ("auth/user/", lambda role: False),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "allowed"), ADMIN_PAGES, ids=[p for p, _ in ADMIN_PAGES])
def test_admin_pages_follow_the_rules(
    client: Any, role: str, path: str, allowed: Callable[[str], bool]
) -> None:
    client.force_login(_user(role))
    response = client.get(f"/admin/{path}")
    assert response.status_code == (200 if allowed(role) else 403)
