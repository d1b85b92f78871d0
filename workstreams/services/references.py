"""Cross-references: the framework references (SDG goals and targets, UNEA resolutions, MEA
decisions) and the tags by which workstreams, progress updates and decisions refer to them.
Saved by the admin; the record loader writes the record's own (``report_loader.framework``)."""

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from meetings.record_version import record_version_bump
from workstreams.models import FrameworkReference, ReferenceTag

Row = TypeVar("Row", FrameworkReference, ReferenceTag)


def _require(by: User | AnonymousUser, action: str, row: models.Model) -> None:
    perm = f"{row._meta.app_label}.{action}_{row._meta.model_name}"
    if not by.has_perm(perm, row if row.pk else None):
        raise PermissionDenied(_("You may not %(action)s this.") % {"action": action})


def _as(row: FrameworkReference | ReferenceTag, by: User | AnonymousUser) -> None:
    """Who made the change, for the row's history."""
    if isinstance(by, User):
        row._history_user = by


def _save(row: Row, by: User | AnonymousUser) -> Row:
    """Save a reference or a tag the person may save, valid, in the row's history as theirs;
    the record's version moves (the pages' caches)."""
    _require(by, "change" if row.pk else "add", row)
    row.full_clean()
    _as(row, by)
    row.save()
    record_version_bump()
    return row


def _delete(row: FrameworkReference | ReferenceTag, by: User | AnonymousUser) -> None:
    _require(by, "delete", row)
    _as(row, by)
    row.delete()
    record_version_bump()


@transaction.atomic
def framework_reference_save(
    *, reference: FrameworkReference, by: User | AnonymousUser
) -> FrameworkReference:
    """Add or change an SDG goal or target, a UNEA resolution or an MEA decision."""
    return _save(reference, by)


@transaction.atomic
def framework_reference_delete(*, reference: FrameworkReference, by: User | AnonymousUser) -> None:
    """Delete a reference nothing refers to (a tagged one is protected)."""
    _delete(reference, by)


@transaction.atomic
def reference_tag_save(*, tag: ReferenceTag, by: User | AnonymousUser) -> ReferenceTag:
    """Tag a workstream, a progress update or a decision with a reference, or change the tag.
    A tag a person adds is the secretariat's, unless it quotes the report that names it."""
    if not tag.pk and not tag.source_quote:
        tag.origin = ReferenceTag.Origin.SECRETARIAT
    return _save(tag, by)


@transaction.atomic
def reference_tag_delete(*, tag: ReferenceTag, by: User | AnonymousUser) -> None:
    _delete(tag, by)
