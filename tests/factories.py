"""Test data. The EMG record is loaded for every test; these add what a test needs on top."""

import datetime
from typing import Any, TypeVar

import factory
from django.contrib.auth.models import Group, User
from django.db.models import Model, QuerySet
from django.utils import timezone

from accounts.services import api_token_create
from meetings.models import Attendance, Document, Entity, Intervention, Meeting, Person
from meetings.services import meeting_counts_refresh
from workstreams import services
from workstreams.models import (
    Decision,
    FocalPoint,
    FrameworkReference,
    ProgressInput,
    ProgressUpdate,
    Proposal,
    ReferenceTag,
    Workstream,
    WorkstreamLead,
)
from workstreams.services import timeline_entry_refresh

M = TypeVar("M", bound=Model)

PASSWORD = "a-long-test-password-1"


def first(rows: QuerySet[M]) -> M:
    """The first of rows the test data is known to hold: fails here, by name, if it holds none."""
    row = rows.first()
    assert row is not None, f"no {rows.model.__name__} in the test data"
    return row


def api_token(user: User) -> str:
    """A new API token of ``user``: the key to send as ``Authorization: Token <key>``."""
    return api_token_create(user=user, name="test")[1]


def _add_role(user: User, create: bool, role: str | None, **kwargs: Any) -> None:
    if role:
        user.groups.add(Group.objects.get(name=role))


def _add_entity(user: User, create: bool, acronym: str | None, **kwargs: Any) -> None:
    if acronym:
        FocalPoint.objects.create(user=user, entity=Entity.objects.get(acronym=acronym))


# Each factory is called as ``XFactory.create(...)``, which is typed to answer the model.
class UserFactory(factory.django.DjangoModelFactory[User]):
    """A workspace login: ``UserFactory.create(role="focal_point", entity="UNESCO")``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password(PASSWORD)

    role = factory.PostGeneration(_add_role)
    entity = factory.PostGeneration(_add_entity)


class ProgressUpdateFactory(factory.django.DjangoModelFactory[ProgressUpdate]):
    """An update for SOM29's senior segment, the last meeting of the record, in draft."""

    class Meta:
        model = ProgressUpdate

    workstream = factory.LazyFunction(lambda: Workstream.objects.get(slug="img-biodiversity"))
    meeting = factory.LazyFunction(lambda: Meeting.objects.get(slug="som29-senior"))
    entity = factory.LazyAttribute(lambda u: u.workstream.leads.first().entity)
    status = ProgressUpdate._meta.get_field("status").default
    summary = factory.Sequence(lambda n: f"Progress made on the workplan, item {n}.")
    next_steps = "Report to the senior segment."


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    """SOM30's senior segment, planned a month from today: the next meeting."""

    class Meta:
        model = Meeting

    slug = "som30-senior"
    som_number = 30
    segment = "senior"
    title = "Senior Segment of the 30th Senior Officials Meeting"
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = "planned"


def grow_record(n: int) -> None:
    """Add ``n`` of everything a page or an API list shows, each with the relations it shows,
    so that a query-count pin taken before and after catches an N+1."""
    unep = Entity.objects.get(acronym="UNEP")
    meeting = Meeting.objects.get(slug="som29-senior")
    listed = Meeting.objects.get(slug="som28-mid-term")
    target = FrameworkReference.objects.get(kind="sdg_target", code="14.1")
    for i in range(n):
        entity = Entity.objects.create(slug=f"e{i}", acronym=f"E{i}", name=f"Entity {i}")
        workstream = Workstream.objects.create(
            slug=f"w{i}", title=f"Workstream {i}", short_title=f"W{i}", kind="task_team"
        )
        WorkstreamLead.objects.create(workstream=workstream, entity=entity)
        person = Person.objects.create(slug=f"p{i}", name=f"Person {i}", entity=entity)
        for attended in (meeting, listed):
            Attendance.objects.create(
                meeting=attended, person=person, entity=entity, listed_affiliation=f"E{i}"
            )
        Intervention.objects.create(meeting=meeting, position=100 + i, entity=unep, summary="Yes.")
        source = Document.objects.filter(meeting__slug="som29-mid-term").first()
        decision = Decision.objects.create(
            meeting=meeting, workstream=workstream, kind="establish", text="Set up.", source=source
        )
        Proposal.objects.create(
            meeting=meeting,
            kind="topic",
            position=100 + i,
            title=f"Topic {i}",
            presenter=person,
            entity=entity,
            source=source,
        )
        update = ProgressUpdateFactory.create(
            workstream=workstream,
            entity=entity,
            presenter=person,
            state=ProgressUpdate.State.PUBLISHED,
            published_at=timezone.now(),
        )
        timeline_entry_refresh(workstream=workstream, meeting=update.meeting)
        for tagged in ({"workstream": workstream}, {"update": update}, {"decision": decision}):
            ReferenceTag.objects.create(reference=target, source=source, **tagged)
    meeting_counts_refresh(meeting_ids=[meeting.pk, listed.pk])


# The record's co-led stream: the Biodiversity IMG's awareness stream, led by UNDP and UNESCO.
CO_LED = "img-biodiversity-awareness-knowledge"


def co_led_update(
    *,
    meeting: str = "som29-senior",
    publish: bool = False,
    sources_public: bool = False,
    workstream: str = CO_LED,
    leads: tuple[str, ...] = ("UNDP", "UNESCO"),
) -> ProgressUpdate:
    """The co-led stream's update at ``meeting``, merged from its leads' (UNDP's and UNESCO's)
    submitted inputs through the services, as the focal points and the secretariat would."""
    at = Meeting.objects.get(slug=meeting)
    co_led = Workstream.objects.get(slug=workstream)
    for acronym in leads:
        author = UserFactory.create(role="focal_point", entity=acronym)
        row = services.progress_input_save(
            progress_input=ProgressInput(
                workstream=co_led,
                meeting=at,
                summary=f"{acronym}'s part of the work.",
                next_steps=f"{acronym}'s next step.",
            ),
            by=author,
        )
        services.progress_input_submit(progress_input=row, by=author)
    boss = UserFactory.create(role="secretariat")
    update = services.progress_inputs_merge(
        workstream=co_led,
        meeting=at,
        summary="UNDP and UNESCO's work, merged.",
        next_steps="Both next steps.",
        sources_public=sources_public,
        submit=publish,
        by=boss,
    )
    return services.progress_update_publish(update=update, by=boss) if publish else update


# The secretariat's change form of an update, a decision or a workstream holds the tags' inline
# (workstreams/admin/references.py): a browser sends its management form, with no tags.
NO_TAGS = {"reference_tags-TOTAL_FORMS": "0", "reference_tags-INITIAL_FORMS": "0"}
