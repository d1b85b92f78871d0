"""What the workspace's model admins share: who sees everything, and the timeline cells
that go with a row."""

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from workstreams.models import TimelineEntry
from workstreams.permissions import is_secretariat


def sees_everything(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser or is_secretariat(request.user))


_Row = TypeVar("_Row", bound=Model)


class KeepsTimelineCells(admin.ModelAdmin[_Row]):
    """The admin of something a status is derived from (a decision, a proposal, an update): its
    timeline cell goes with it and is derived again by the service, so no one needs leave to
    delete a cell by hand."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(TimelineEntry._meta.verbose_name))
        return deleted, counts, perms_needed, protected
