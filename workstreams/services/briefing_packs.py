"""Jobs: the briefing pack, asked for by the secretariat, compiled by a worker, superseded when
an update it holds leaves the public record."""

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delivery.interface import outbox_enqueue
from meetings.models import Document, Meeting
from workstreams.models import Job, ProgressUpdate

if TYPE_CHECKING:  # WeasyPrint loads only in workers
    from workstreams.briefing import BriefingPack

logger = logging.getLogger(__name__)

# A job left "running" this long was lost with its worker; a redelivered task may take it over.
JOB_STALE_AFTER = datetime.timedelta(minutes=15)
BRIEFING_PACK_FILES = [("docx", "DOCX"), ("pdf", "PDF"), ("csv", gettext_lazy("CSV of statuses"))]


@transaction.atomic
def briefing_pack_request(
    *, meeting: Meeting, by: User | AnonymousUser, language: str | None = None
) -> Job:
    """The secretariat asks for a meeting's briefing pack; a worker compiles it, in ``language``
    or else the language it was asked in (the page's or the API request's)."""
    if not by.has_perm("workstreams.add_job"):
        raise PermissionDenied(_("Only the secretariat compiles briefing packs."))
    language = translation.get_supported_language_variant(
        language or translation.get_language() or settings.CONTENT_ORIGINAL_LANGUAGE
    )
    # Only a logged-in member of the secretariat has the permission.
    return _briefing_pack_enqueue(
        meeting=meeting, by=by if isinstance(by, User) else None, language=language
    )


def _briefing_pack_enqueue(*, meeting: Meeting, by: User | None, language: str) -> Job:
    job = Job.objects.create(
        kind=Job.Kind.BRIEFING_PACK, meeting=meeting, requested_by=by, language=language
    )
    outbox_enqueue(task="workstreams.briefing_pack_run", job_id=job.pk)
    return job


def briefing_pack_run(*, job_id: int) -> Job | None:
    """Compile the pack of a queued job; safe to run twice (a second run finds it taken)."""
    from workstreams.briefing import briefing_pack_build  # WeasyPrint loads only in workers

    now = timezone.now()
    claimable = Q(state=Job.State.QUEUED) | Q(
        state=Job.State.RUNNING, started_at__lt=now - JOB_STALE_AFTER
    )
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        state=Job.State.RUNNING, started_at=now, done=0, total=0, error=""
    )
    if not claimed:
        return None
    job = Job.objects.select_related("meeting", "requested_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        # The worker has no request: the pack is written in the language it was asked in.
        with translation.override(job.language):
            pack = briefing_pack_build(meeting=job.meeting, progress=progress)
            _briefing_pack_keep(job=job, pack=pack)
    except Exception as failure:
        logger.exception("Briefing pack job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED,
            error=f"{type(failure).__name__}: {failure}"[:2000],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


@transaction.atomic
def _briefing_pack_keep(*, job: Job, pack: "BriefingPack") -> None:
    """Keep a compiled pack as the meeting's current one, in new documents with new addresses.

    The pack it replaces is superseded. An update withdrawn while the pack was being compiled
    makes the new pack superseded at birth, and another one is compiled.
    """
    meeting = Meeting.objects.select_for_update().get(pk=job.meeting_id)
    published = dict(
        ProgressUpdate.objects.published().filter(pk__in=pack.contents).values_list("pk", "version")
    )
    now = timezone.now()
    stale = published != pack.contents
    if not stale:
        # A meeting has a current pack in each language it was asked for.
        same_language = Job.documents.through.objects.filter(
            job__meeting=meeting, job__language=job.language
        ).values("document_id")
        Document.objects.current().filter(
            meeting=meeting, kind=Document.Kind.BRIEFING_PACK, pk__in=same_language
        ).update(superseded_at=now, superseded_reason=_("Replaced by a newer pack."))
    documents = [
        Document.objects.create(
            meeting=meeting,
            title=_("Briefing pack (%(format)s)") % {"format": label},
            kind=Document.Kind.BRIEFING_PACK,
            file=ContentFile(
                getattr(pack, extension), name=f"{meeting.slug}-briefing-pack.{extension}"
            ),
            superseded_at=now if stale else None,
            superseded_reason=_("An update it holds changed while it was compiled.")
            if stale
            else "",
        )
        for extension, label in BRIEFING_PACK_FILES
    ]
    job.documents.set(documents)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        done=pack.sections,
        total=pack.sections,
        contents={str(pk): version for pk, version in pack.contents.items()},
        finished_at=now,
    )
    if stale:
        _briefing_pack_enqueue(meeting=meeting, by=job.requested_by, language=job.language)


@transaction.atomic
def briefing_packs_supersede(
    *, update_id: int, meeting_id: int, reason: str, by: User | AnonymousUser | None
) -> list[Document]:
    """An update left the public record (returned to draft, changed, deleted): each current
    pack that holds it is superseded, saying why, and the meeting's pack is compiled again.

    Returns the documents superseded. A new pack is asked for once: not when one is already
    queued, which will read the record as it is once this commits. ``by`` is None for the
    report loader.
    """
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        return []
    holding = Job.objects.filter(meeting=meeting, contents__has_key=str(update_id))
    documents = list(
        Document.objects.current().filter(
            pk__in=Job.documents.through.objects.filter(job__in=holding).values("document_id")
        )
    )
    if not documents:
        return []
    now = timezone.now()
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        superseded_at=now, superseded_reason=Truncator(reason).chars(300)
    )
    # Compiled again in each language a superseded pack was written in, once: not where one is
    # already queued, which will read the record as it is once this commits.
    languages = set(holding.filter(documents__in=documents).values_list("language", flat=True))
    queued = set(
        Job.objects.filter(
            meeting=meeting, kind=Job.Kind.BRIEFING_PACK, state=Job.State.QUEUED
        ).values_list("language", flat=True)
    )
    for language in sorted(languages - queued):
        _briefing_pack_enqueue(
            meeting=meeting, by=by if isinstance(by, User) else None, language=language
        )
    logger.info(
        "Briefing pack of %s superseded (%s); queued again in: %s",
        meeting,
        reason,
        ", ".join(sorted(languages - queued)) or "none (already queued)",
    )
    return documents
