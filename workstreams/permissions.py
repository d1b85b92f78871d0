"""Who may do what: the one place the admin, the API and the services ask.

Three roles, each a group created by a migration: the *secretariat* edits everything and
publishes; a *focal point* belongs to an entity and drafts and submits the updates of the
workstreams that entity leads, and sees nothing else; a *viewer* reads everything. The groups
carry no table permissions: every permission is a rule here, checked through
``user.has_perm(name, obj)``. Superusers pass every check, as Django's model backend grants them.
"""

import rules
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from meetings.models import Document
from workstreams.models import (
    FocalPoint,
    Job,
    ProgressInput,
    ProgressInputQuerySet,
    ProgressUpdate,
    ProgressUpdateQuerySet,
    WebhookDelivery,
    WebhookSubscription,
    Workstream,
    WorkstreamLead,
    WorkstreamQuerySet,
)

SECRETARIAT = "secretariat"
FOCAL_POINT = "focal_point"
VIEWER = "viewer"
ROLES = {
    SECRETARIAT: _("Secretariat: edits everything and publishes"),
    FOCAL_POINT: _("Focal point: drafts and submits the updates of what its entity leads"),
    VIEWER: _("Viewer: reads everything, changes nothing"),
}

# The rules backend, unlike Django's, does not look at ``is_active``: every role asks it.
is_secretariat = rules.is_active & rules.is_group_member(SECRETARIAT)
is_focal_point = rules.is_active & rules.is_group_member(FOCAL_POINT)
is_viewer = rules.is_active & rules.is_group_member(VIEWER)
has_role = is_secretariat | is_focal_point | is_viewer


def led_workstream_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The workstreams the user's entity leads; none for a user who is not a focal point.

    Kept on the user object, so that a request asks the database once however many rows it
    checks.
    """
    cached: frozenset[int] | None = getattr(user, "_led_workstream_ids", None)
    if cached is None:
        entity_id = focal_point_entity_id(user)
        cached = frozenset()
        if entity_id is not None:
            leads = WorkstreamLead.objects.filter(entity_id=entity_id)
            cached = frozenset(leads.values_list("workstream_id", flat=True))
        setattr(user, "_led_workstream_ids", cached)  # noqa: B010  (not a field: a cache)
    return cached


def focal_point_entity_id(user: User | AnonymousUser) -> int | None:
    if not user.is_authenticated or not is_focal_point(user):
        return None
    # A focal point's login without its entity yet: the reverse accessor raises, so ask getattr.
    focal_point: FocalPoint | None = getattr(user, "focal_point", None)
    return focal_point.entity_id if focal_point else None


@rules.predicate
def no_object(user: User | AnonymousUser, obj: object) -> bool:
    """A question about the model as a whole ("may they open the list?"), not about one row."""
    return obj is None


@rules.predicate
def leads_workstream_of(
    user: User | AnonymousUser, obj: ProgressUpdate | Workstream | None
) -> bool:
    if obj is None:
        return False
    workstream_id = obj.pk if isinstance(obj, Workstream) else obj.workstream_id
    return workstream_id in led_workstream_ids(user)


@rules.predicate
def not_published(user: User | AnonymousUser, obj: ProgressUpdate | None) -> bool:
    return obj is not None and obj.state != ProgressUpdate.State.PUBLISHED


@rules.predicate
def owns_subscription(
    user: User | AnonymousUser, obj: WebhookSubscription | WebhookDelivery | None
) -> bool:
    if isinstance(obj, WebhookDelivery):
        return obj.subscription.owner_id == user.pk
    return obj is not None and obj.owner_id == user.pk


@rules.predicate
def is_draft(user: User | AnonymousUser, obj: ProgressUpdate | None) -> bool:
    return obj is not None and obj.state == ProgressUpdate.State.DRAFT


# The record: meetings and what happened at them, workstreams and what was decided.
RECORD_MODELS = {
    "meetings": [
        "meeting",
        "agendaitem",
        "document",
        "entity",
        "entityvariant",
        "person",
        "attendance",
        "intervention",
    ],
    "workstreams": ["workstream", "workstreamlead", "decision", "proposal", "workstreamevent"],
}
for app_label, model_names in RECORD_MODELS.items():
    for model_name in model_names:
        rules.add_perm(f"{app_label}.view_{model_name}", is_secretariat | is_viewer)
        for action in ("add", "change", "delete"):
            rules.add_perm(f"{app_label}.{action}_{model_name}", is_secretariat)

# Cross-references: the secretariat adds and tags them; everyone with a role reads them, focal
# points too (beside the updates they draft), and changes nothing.
for model_name in ("frameworkreference", "referencetag"):
    rules.add_perm(f"workstreams.view_{model_name}", is_secretariat | is_viewer | is_focal_point)
    for action in ("add", "change", "delete"):
        rules.add_perm(f"workstreams.{action}_{model_name}", is_secretariat)

# The timeline is derived from the record and never edited by hand.
rules.add_perm("workstreams.view_timelineentry", is_secretariat | is_viewer)
for action in ("add", "change", "delete"):
    rules.add_perm(f"workstreams.{action}_timelineentry", rules.always_deny)

# Progress updates: a focal point works on those of the workstreams its entity leads, until
# they are published; the secretariat reviews, publishes and returns them.
focal_point_own = is_focal_point & (no_object | leads_workstream_of)
rules.add_perm("workstreams.view_progressupdate", is_secretariat | is_viewer | focal_point_own)
rules.add_perm("workstreams.add_progressupdate", is_secretariat | is_focal_point)
rules.add_perm(
    "workstreams.change_progressupdate",
    is_secretariat | (focal_point_own & (no_object | not_published)),
)
rules.add_perm("workstreams.delete_progressupdate", is_secretariat)
rules.add_perm(
    "workstreams.submit_progressupdate",
    is_secretariat | (focal_point_own & (no_object | is_draft)),
)
rules.add_perm("workstreams.publish_progressupdate", is_secretariat)
rules.add_perm("workstreams.return_progressupdate", is_secretariat)


# Co-lead inputs: a focal point drafts and submits its own entity's input, and sees the submitted
# inputs of the entities leading a workstream with it; no one edits an input once merged. The
# secretariat sees them all and merges them into the one update.
@rules.predicate
def own_entity_input(user: User | AnonymousUser, obj: ProgressInput | None) -> bool:
    return obj is not None and obj.entity_id == focal_point_entity_id(user)


@rules.predicate
def co_lead_submitted_input(user: User | AnonymousUser, obj: ProgressInput | None) -> bool:
    return (
        obj is not None
        and obj.state == ProgressInput.State.SUBMITTED
        and obj.workstream_id in led_workstream_ids(user)
    )


@rules.predicate
def input_open(user: User | AnonymousUser, obj: ProgressInput | None) -> bool:
    return obj is None or obj.merged_into_id is None


@rules.predicate
def input_draft(user: User | AnonymousUser, obj: ProgressInput | None) -> bool:
    return obj is None or obj.state == ProgressInput.State.DRAFT


focal_point_input = is_focal_point & (no_object | own_entity_input)
rules.add_perm(
    "workstreams.view_progressinput",
    is_secretariat
    | is_viewer
    | (is_focal_point & (no_object | own_entity_input | co_lead_submitted_input)),
)
rules.add_perm("workstreams.add_progressinput", is_secretariat | is_focal_point)
rules.add_perm(
    "workstreams.change_progressinput", (is_secretariat | focal_point_input) & input_open
)
rules.add_perm(
    "workstreams.submit_progressinput",
    (is_secretariat | focal_point_input) & input_open & input_draft,
)
rules.add_perm(
    "workstreams.delete_progressinput",
    (is_secretariat | focal_point_input) & input_open & input_draft,
)
rules.add_perm("workstreams.merge_progressinput", is_secretariat)


# Documents are downloaded under the rules of what they hold. A current document is public;
# a superseded one (a briefing pack replaced, or holding an update since withdrawn) is the
# secretariat's alone. A pack is public only while every update it holds is still published:
# that is checked again at each download, should a way of withdrawing an update ever forget
# to supersede the packs that hold it.
@rules.predicate
def is_public_document(user: User | AnonymousUser, document: Document | None) -> bool:
    if document is None or document.superseded_at is not None:
        return False
    if document.kind != Document.Kind.BRIEFING_PACK:
        return True
    job = Job.objects.filter(documents=document).only("contents").first()
    if job is None:  # a pack the secretariat uploaded by hand
        return True
    held = {int(pk) for pk in job.contents}
    return ProgressUpdate.objects.published().filter(pk__in=held).count() == len(held)


rules.add_perm("meetings.download_document", is_secretariat | is_public_document)

# Background jobs (briefing packs): the secretariat asks for them; viewers may follow them.
rules.add_perm("workstreams.view_job", is_secretariat | is_viewer)
rules.add_perm("workstreams.add_job", is_secretariat)
for action in ("change", "delete"):
    rules.add_perm(f"workstreams.{action}_job", rules.always_deny)

# Who speaks for which entity is the secretariat's to see; logins are the superuser's.
rules.add_perm("workstreams.view_focalpoint", is_secretariat | is_viewer)

# E-mails sent (a row deleted is an e-mail the next run sends again) and the outbox: the
# secretariat's to read.
rules.add_perm("workstreams.view_notice", is_secretariat)
rules.add_perm("workstreams.delete_notice", is_secretariat)
rules.add_perm("workstreams.view_outboxmessage", is_secretariat)
for action in ("add", "change"):
    rules.add_perm(f"workstreams.{action}_notice", rules.always_deny)
for action in ("add", "change", "delete"):
    rules.add_perm(f"workstreams.{action}_outboxmessage", rules.always_deny)

# Followers by e-mail: their addresses are the secretariat's alone, to stop (a bounce, a
# complaint) or delete; the messages are written by the services and the workers.
for action in ("view", "change", "delete"):
    rules.add_perm(f"workstreams.{action}_follower", is_secretariat)
rules.add_perm("workstreams.add_follower", rules.always_deny)
rules.add_perm("workstreams.view_followmessage", is_secretariat)
for action in ("add", "change", "delete"):
    rules.add_perm(f"workstreams.{action}_followmessage", rules.always_deny)

# Webhooks: any role may register its own URLs (an API consumer is usually a viewer's login);
# the secretariat sees and manages every subscription. Deliveries are written by the workers.
own_subscription = has_role & (no_object | owns_subscription)
rules.add_perm("workstreams.add_webhooksubscription", has_role)
for action in ("view", "change", "delete"):
    rules.add_perm(f"workstreams.{action}_webhooksubscription", is_secretariat | own_subscription)
rules.add_perm("workstreams.view_webhookdelivery", is_secretariat | own_subscription)
for action in ("add", "change", "delete"):
    rules.add_perm(f"workstreams.{action}_webhookdelivery", rules.always_deny)


def progress_updates_visible_to(user: User | AnonymousUser) -> ProgressUpdateQuerySet:
    """The updates a user may see in the workspace: all of them, or their entity's."""
    updates = ProgressUpdate.objects.all()
    if user.is_superuser or is_secretariat(user) or is_viewer(user):
        return updates
    if is_focal_point(user):
        return updates.filter(workstream_id__in=led_workstream_ids(user))
    return updates.none()


def workstreams_led_by(user: User | AnonymousUser) -> WorkstreamQuerySet:
    """The workstreams a focal point answers for; every one, for the secretariat and viewers."""
    if user.is_superuser or is_secretariat(user) or is_viewer(user):
        return Workstream.objects.all()
    return Workstream.objects.filter(pk__in=led_workstream_ids(user))


def webhook_subscriptions_visible_to(user: User | AnonymousUser) -> QuerySet[WebhookSubscription]:
    """Every subscription for the secretariat; one's own for anyone else with a role."""
    subscriptions = WebhookSubscription.objects.all()
    if user.is_superuser or is_secretariat(user):
        return subscriptions
    if has_role(user):
        return subscriptions.filter(owner_id=user.pk)
    return subscriptions.none()


def progress_inputs_visible_to(user: User | AnonymousUser) -> ProgressInputQuerySet:
    """The inputs a user may see: all of them for the secretariat and viewers; for a focal
    point its own entity's, and the submitted ones of the workstreams its entity leads."""
    inputs = ProgressInput.objects.all()
    if user.is_superuser or is_secretariat(user) or is_viewer(user):
        return inputs
    entity_id = focal_point_entity_id(user)
    if entity_id is None:
        return inputs.none()
    return inputs.filter(
        Q(entity_id=entity_id)
        | Q(state=ProgressInput.State.SUBMITTED, workstream_id__in=led_workstream_ids(user))
    )
