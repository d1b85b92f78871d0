"""Atom feeds of the record: published progress updates and decisions, newest first.

``/feed/`` holds the whole site's latest entries, ``/workstreams/<slug>/feed/`` one
workstream's. Drafts and submitted updates never appear: only ``ProgressUpdate.objects
.published()`` is read. Each entry links to the workstream's page at the meeting's record
(``/workstreams/<slug>/#<meeting-slug>``).

Every feed costs the same few queries however many entries it holds: one for the updates, one
for their workstreams' leads, one for the decisions (and one for the workstream of a
workstream's feed), each joined to everything an entry shows.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from meetings.feeds import cacheable
from meetings.models import Evidence, Meeting
from meetings.templatetags.translated import translated
from workstreams.models import Decision, LeadRole, ProgressUpdate, Workstream, WorkstreamLead

FEED_LIMIT = 50
FEED_MAX_AGE = 15 * 60
# The authority of the entries' tag: URIs (RFC 4151). Fixed, so that an entry keeps its id
# whatever host name the site is served under, and across reloads of the record.
TAG_AUTHORITY = "emg-tracker,2026"
AUTHOR = _("UN Environment Management Group")


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, made from a published progress update or from a decision."""

    guid: str
    title: str
    link: str
    description: str
    author: str
    at: datetime.datetime
    categories: tuple[str, ...]


def _meeting_instant(meeting: Meeting) -> datetime.datetime:
    """When a decision was taken: decisions carry no timestamp of their own.

    The meeting's end, else its start, else midnight UTC of its date (for a meeting dated by
    month or year, the first day of that month or year).
    """
    return (
        meeting.ends_at()
        or meeting.starts_at()
        or datetime.datetime.combine(meeting.date, datetime.time(0), datetime.UTC)
    )


def _link(workstream: Workstream, meeting: Meeting) -> str:
    # The workstream's page has an <article id="<meeting-slug>"> for each meeting of its record.
    return reverse("workstreams:detail", kwargs={"slug": workstream.slug}) + f"#{meeting.slug}"


def _details(rows: list[tuple[Any, str]]) -> str:
    """An HTML definition list of the rows whose value is not blank."""
    return format_html(
        "<dl>{}</dl>",
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((k, v) for k, v in rows if v)),
    )


def _basis(record: ProgressUpdate | Decision) -> str:
    """What the entry rests on, where it is not the report's own words: an inference and why,
    or a fact the report does not state. Stated entries say nothing more (their source does)."""
    if record.evidence == Evidence.INFERRED:
        return str(
            _("Inferred from the report, not stated in it: %(reason)s")
            % {"reason": record.evidence_reason}
        )
    if record.evidence == Evidence.NOT_STATED:
        return str(_("Not stated in the report"))
    return ""


def _author(update: ProgressUpdate) -> str:
    """The entity that presented the update; where the record names none, the workstream's leads.

    The record says of several SOM29 updates only that "the lead entity" presented them.
    """
    if update.entity is not None:
        return update.entity.label
    leads = sorted(
        update.workstream.leads.all(), key=lambda lead: (lead.role != LeadRole.LEAD, lead.pk)
    )
    return ", ".join(lead.entity.label for lead in leads) or str(AUTHOR)


def _plain(workstream: Workstream) -> str:
    """The workstream's title in the feed's language, saying so where it is not translated."""
    return translated(workstream, "title", "plain")


def _update_entry(update: ProgressUpdate) -> FeedEntry:
    workstream, meeting = update.workstream, update.meeting
    # The queryset keeps only published updates, which always have published_at (a constraint).
    assert update.published_at is not None
    entity = update.entity
    description = format_html("<p>{}</p>", translated(update, "summary")) + _details(
        [
            (_("Presented by"), update.presenter.name if update.presenter else ""),
            (_("Entity"), entity.name if entity else ""),
            (_("Next steps"), translated(update, "next_steps", "plain")),
            (
                _("Expected to continue in"),
                str(update.expected_to_continue_in or ""),
            ),
            (_("Source"), update.provenance),
            (_("Basis"), _basis(update)),
        ]
    )
    status = str(update.get_status_display())
    return FeedEntry(
        guid=f"tag:{TAG_AUTHORITY}:update/{workstream.slug}/{meeting.slug}",
        title=str(
            _("%(workstream)s at %(meeting)s: %(status)s")
            % {"workstream": _plain(workstream), "meeting": meeting, "status": status}
        ),
        link=_link(workstream, meeting),
        description=description,
        author=_author(update),
        at=update.published_at,
        categories=(workstream.title, status),
    )


def _decision_entry(decision: Decision) -> FeedEntry:
    workstream, meeting = decision.workstream, decision.meeting
    kind = str(decision.get_kind_display())
    description = format_html("<p>{}</p>", translated(decision, "text")) + _details(
        [
            (_("Meeting"), translated(meeting, "title", "plain")),
            (_("Source"), decision.provenance),
            (_("Basis"), _basis(decision)),
        ]
    )
    return FeedEntry(
        guid=f"tag:{TAG_AUTHORITY}:decision/{workstream.slug}/{meeting.slug}/{decision.kind}",
        title=str(
            _("%(meeting)s decision: %(kind)s — %(workstream)s")
            % {"meeting": meeting, "kind": kind, "workstream": _plain(workstream)}
        ),
        link=_link(workstream, meeting),
        description=description,
        # A decision is the Senior Officials', not any one entity's.
        author=str(_("EMG Senior Officials")),
        at=_meeting_instant(meeting),
        categories=(workstream.title, kind),
    )


def feed_entries(
    *, workstream: Workstream | None = None, limit: int = FEED_LIMIT
) -> list[FeedEntry]:
    """The latest ``limit`` published updates and decisions, of one workstream or all, newest first.

    Three queries, whatever ``limit``. Each kind is cut to ``limit`` in the database before the
    two are merged, which is exact for updates. Decisions are ordered by their meeting's date
    there and by its instant here, so two decisions of meetings a day apart in distant time
    zones could swap places at the cut; the record has no such pair.
    """
    updates = ProgressUpdate.objects.published_with_relations().prefetch_related(
        Prefetch("workstream__leads", queryset=WorkstreamLead.objects.select_related("entity"))
    )
    decisions = Decision.objects.with_relations()
    if workstream is not None:
        updates = updates.filter(workstream=workstream)
        decisions = decisions.filter(workstream=workstream)
    entries = [_update_entry(u) for u in updates.order_by("-published_at", "-pk")[:limit]]
    entries += [
        _decision_entry(d)
        for d in decisions.order_by("-meeting_date", "-meeting__som_number", "-pk")[:limit]
    ]
    # Newest first; entries of one instant (a meeting's updates) in the order of their titles.
    entries.sort(key=lambda e: e.title)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


class RecordFeed(Feed[FeedEntry, Any]):
    """What both feeds share: Atom, the entries' fields, and the caching headers."""

    feed_type = Atom1Feed
    author_name = AUTHOR

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # The syndication view dates the feed by its newest entry, but a decision added today
        # about a meeting of 2021, an edited entry or a withdrawn update changes the feed
        # without moving that date: a cache revalidating on it would keep a stale copy. The
        # ETag, a hash of the body, says truthfully whether the feed changed.
        del response["Last-Modified"]
        return cacheable(request, response, max_age=FEED_MAX_AGE)

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_description(self, item: FeedEntry) -> str:
        return item.description

    def item_link(self, item: FeedEntry) -> str:
        return item.link

    def item_guid(self, item: FeedEntry) -> str:
        return item.guid

    def item_author_name(self, item: FeedEntry) -> str:
        return item.author

    def item_pubdate(self, item: FeedEntry) -> datetime.datetime:
        return item.at

    def item_updateddate(self, item: FeedEntry) -> datetime.datetime:
        return item.at

    def item_categories(self, item: FeedEntry) -> tuple[str, ...]:
        return item.categories


class LatestFeed(RecordFeed):
    """``/feed/``: the latest published progress updates and decisions of every workstream."""

    title = _("EMG Workstream Tracker: progress updates and decisions")
    subtitle = _(
        "The latest published progress updates of the UN Environment Management Group's "
        "workstreams, and the decisions of its Senior Officials about them."
    )

    feed_guid = f"tag:{TAG_AUTHORITY}:feed"

    def link(self) -> str:
        return reverse("workstreams:timeline")

    def items(self) -> list[FeedEntry]:
        return feed_entries()


class WorkstreamFeed(RecordFeed):
    """``/workstreams/<slug>/feed/``: one workstream's published updates and decisions."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Workstream:
        return get_object_or_404(Workstream, slug=kwargs["slug"])

    def title(self, obj: Workstream) -> str:
        return str(_("%(workstream)s: progress updates and decisions") % {"workstream": obj})

    def subtitle(self, obj: Workstream) -> str:
        return str(
            _("The published progress updates of %(workstream)s and the decisions about it.")
            % {"workstream": obj}
        )

    def link(self, obj: Workstream) -> str:
        return reverse("workstreams:detail", kwargs={"slug": obj.slug})

    def feed_guid(self, obj: Workstream) -> str:
        return f"tag:{TAG_AUTHORITY}:feed/{obj.slug}"

    def items(self, obj: Workstream) -> list[FeedEntry]:
        return feed_entries(workstream=obj)
