"""Cross-references: the framework references (SDG goals and targets, UNEA resolutions, MEA
decisions) and the tags by which workstreams, progress updates and decisions refer to them.
Saved by the admin; the record loader writes the record's own (``report_loader.framework``)."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from meetings.record_version import record_version_bump
from workstreams.models import FrameworkReference, ReferenceTag


def _require(by: User | AnonymousUser, action: str, row: models.Model) -> None:
    perm = f"{row._meta.app_label}.{action}_{row._meta.model_name}"
    if not by.has_perm(perm, row if row.pk else None):
        raise PermissionDenied(_("You may not %(action)s this.") % {"action": action})


def _as(row: FrameworkReference | ReferenceTag, by: User | AnonymousUser) -> None:
    """Who made the change, for the row's history."""
    if isinstance(by, User):
        row._history_user = by


@transaction.atomic
def framework_reference_save(
    *, reference: FrameworkReference, by: User | AnonymousUser
) -> FrameworkReference:
    """Add or change an SDG goal or target, a UNEA resolution or an MEA decision."""
    _require(by, "change" if reference.pk else "add", reference)
    reference.full_clean()
    _as(reference, by)
    reference.save()
    record_version_bump()
    return reference


@transaction.atomic
def framework_reference_delete(*, reference: FrameworkReference, by: User | AnonymousUser) -> None:
    """Delete a reference nothing refers to (a tagged one is protected)."""
    _require(by, "delete", reference)
    _as(reference, by)
    reference.delete()
    record_version_bump()


@transaction.atomic
def reference_tag_save(*, tag: ReferenceTag, by: User | AnonymousUser) -> ReferenceTag:
    """Tag a workstream, a progress update or a decision with a reference, or change the tag.
    A tag a person adds is the secretariat's, unless it quotes the report that names it."""
    _require(by, "change" if tag.pk else "add", tag)
    if not tag.pk and not tag.source_quote:
        tag.origin = ReferenceTag.Origin.SECRETARIAT
    tag.full_clean()
    _as(tag, by)
    tag.save()
    record_version_bump()
    return tag


@transaction.atomic
def reference_tag_delete(*, tag: ReferenceTag, by: User | AnonymousUser) -> None:
    _require(by, "delete", tag)
    _as(tag, by)
    tag.delete()
    record_version_bump()
