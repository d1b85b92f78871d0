"""Test data. The EMG record is loaded for every test; these add what a test needs on top."""

import datetime
from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from meetings.models import Entity, Meeting
from workstreams.models import FocalPoint, ProgressUpdate, Workstream

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    """A workspace login: ``UserFactory(role="focal_point", entity="UNESCO")``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create: bool, role: str | None, **kwargs: Any) -> None:
        if role:
            self.groups.add(Group.objects.get(name=role))

    @factory.post_generation
    def entity(self, create: bool, acronym: str | None, **kwargs: Any) -> None:
        if acronym:
            FocalPoint.objects.create(user=self, entity=Entity.objects.get(acronym=acronym))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    """An update for SOM29's senior segment, the last meeting of the record, in draft."""

    class Meta:
        model = ProgressUpdate

    workstream = factory.LazyFunction(lambda: Workstream.objects.get(slug="img-biodiversity"))
    meeting = factory.LazyFunction(lambda: Meeting.objects.get(slug="som29-senior"))
    entity = factory.LazyAttribute(lambda u: u.workstream.leads.first().entity)
    status = ProgressUpdate._meta.get_field("status").default
    summary = factory.Sequence(lambda n: f"Progress made on the workplan, item {n}.")
    next_steps = "Report to the senior segment."


class MeetingFactory(factory.django.DjangoModelFactory):
    """SOM30's senior segment, planned a month from today: the next meeting."""

    class Meta:
        model = Meeting

    slug = "som30-senior"
    som_number = 30
    segment = "senior"
    title = "Senior Segment of the 30th Senior Officials Meeting"
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = "planned"
