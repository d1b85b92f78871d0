"""The hot API lists' rows from ``.values()`` (emgtracker/values.py): workstreams, progress
updates and decisions, shaped as their serializers shape them, nested objects and nulls alike.
tests/api/test_fast_path.py holds each to its serializer's answer."""

from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from rest_framework.serializers import Serializer

from emgtracker.translated_api import RowText, every_language_asked, row_values, translated
from emgtracker.values import Row
from meetings.models import Document, Meeting, Sourced
from workstreams.models import (
    Decision,
    ProgressInput,
    ProgressUpdate,
    ReferenceTag,
    TimelineEntry,
    Workstream,
    WorkstreamLead,
)
from workstreams.serializers.inputs import SOURCE_VALUES as INPUT_VALUES
from workstreams.serializers.inputs import source_row, sources_shown
from workstreams.serializers.progress import ProgressUpdateSerializer
from workstreams.serializers.references import ReferenceTagSerializer
from workstreams.serializers.standing import (
    LeadSerializer,
    MandatePeriodSerializer,
    StandingShapes,
    standing_data,
)
from workstreams.serializers.timeline import record_clock
from workstreams.services.mandates import mandate_periods

# What a record's provenance reads (ProvenanceSerializer): its source and where in it.
SOURCE_VALUES = (
    "source_id",
    "source__symbol",
    "source__title",
    "source__meeting__slug",
    "source__meeting__som_number",
    "source__meeting__segment",
    "source_section",
    "source_quote",
)


def provenance(row: Row, model: type[Sourced]) -> Row | None:
    """ProvenanceSerializer's answer for the record ``row`` (null: no source)."""
    if row["source_id"] is None:
        return None
    meeting = Meeting(
        slug=row["source__meeting__slug"],
        som_number=row["source__meeting__som_number"],
        segment=row["source__meeting__segment"],
    )
    document = Document(symbol=row["source__symbol"], title=row["source__title"], meeting=meeting)
    record = model(source=document, source_section=row["source_section"])  # for its provenance
    return {
        "document": str(document.symbol or document.title),
        "meeting": meeting.slug,
        "section": row["source_section"],
        "quote": row["source_quote"],
        "text": record.provenance,
    }


def tags_of(tagged: str, rows: list[Row], serializer: Serializer[Any]) -> dict[int, list[Row]]:
    """The ``references`` of each row, by its id: one query for the page, shaped by the
    serializer the single object's answer uses (tags_field)."""
    shape = ReferenceTagSerializer(context=serializer.context)
    found: dict[int, list[Row]] = defaultdict(list)
    tags = ReferenceTag.objects.filter(**{f"{tagged}__in": [row["pk"] for row in rows]})
    for tag in tags.with_references():
        found[getattr(tag, f"{tagged}_id")].append(shape.to_representation(tag))
    return found


DECISION_VALUES = (
    *("id", "meeting__slug", "workstream__slug", "kind", "term", "until_som"),
    *("evidence", "evidence_reason", *SOURCE_VALUES),
    *row_values(Decision.TRANSLATED_FIELDS),
)


def decision_rows(rows: list[Row], serializer: Serializer[Any]) -> list[Row]:
    every = every_language_asked(serializer.context)
    references = tags_of("decision", rows, serializer)
    shaped = []
    for row in rows:
        texts, missing = translated(RowText(row), Decision.TRANSLATED_FIELDS, every=every)
        shaped.append(
            {
                "id": row["id"],
                "meeting": row["meeting__slug"],
                "workstream": row["workstream__slug"],
                "kind": row["kind"],
                "text": texts["text"],
                "term": row["term"],
                "until_som": row["until_som"],
                "evidence": row["evidence"],
                "evidence_reason": row["evidence_reason"],
                "provenance": provenance(row, Decision),
                "references": references[row["pk"]],
                "missing_translations": missing,
            }
        )
    return shaped


# A progress update's relations, by the serializer's names; its own columns are the rest.
_UPDATE_RELATED = {
    "workstream": "workstream__slug",
    "meeting": "meeting__slug",
    "presenter": "presenter__slug",
    "presenter_name": "presenter__name",
    "entity": "entity__slug",
}
_UPDATE_FIELDS = ProgressUpdateSerializer.Meta.fields
_UPDATE_TRANSLATED = ProgressUpdate.TRANSLATED_FIELDS
_UPDATE_COLUMNS = [
    name
    for name in _UPDATE_FIELDS
    if name
    not in {
        *_UPDATE_RELATED,
        *_UPDATE_TRANSLATED,
        *("url", "published_at", "provenance", "sources", "references"),
        "missing_translations",
    }
]
UPDATE_VALUES = (
    *_UPDATE_COLUMNS,
    *_UPDATE_RELATED.values(),
    "published_at",
    *SOURCE_VALUES,
    *row_values(_UPDATE_TRANSLATED),
    "has_sources",  # annotated by the view's list (ProgressUpdateViewSet.get_queryset)
)


def _sources(rows: list[Row], serializer: Serializer[Any]) -> dict[int, list[Row]]:
    """The sources each update of the page shows to the user asking: one query, and none when
    no update of the page has sources it may see."""
    user = serializer.context["request"].user
    shown = [
        row["pk"]
        for row in rows
        if row["has_sources"]
        and sources_shown(user, state=row["state"], sources_public=row["sources_public"])
    ]
    found: dict[int, list[Row]] = defaultdict(list)
    if shown:
        inputs = ProgressInput.objects.filter(merged_into_id__in=shown)
        for source in inputs.order_by("entity__acronym", "entity__slug").values(*INPUT_VALUES):
            found[source["merged_into_id"]].append(source_row(source))
    return found


def update_rows(rows: list[Row], serializer: Serializer[Any]) -> list[Row]:
    fields = serializer.fields
    url, published_at = fields["url"], fields["published_at"]
    every = every_language_asked(serializer.context)
    sources = _sources(rows, serializer)
    references = tags_of("update", rows, serializer)
    shaped = []
    for row in rows:
        values = {name: row[name] for name in _UPDATE_COLUMNS}
        values.update((name, row[source]) for name, source in _UPDATE_RELATED.items())
        texts, values["missing_translations"] = translated(
            RowText(row), _UPDATE_TRANSLATED, every=every
        )
        values.update(texts)
        values["url"] = url.to_representation(SimpleNamespace(pk=row["pk"]))
        values["published_at"] = _or_none(published_at, row["published_at"])
        values["provenance"] = provenance(row, ProgressUpdate)
        values["sources"] = sources.get(row["pk"], [])
        values["references"] = references[row["pk"]]
        shaped.append({name: values[name] for name in _UPDATE_FIELDS})
    return shaped


def _or_none(field: Any, value: Any) -> Any:
    return field.to_representation(value) if value is not None else None


WORKSTREAM_VALUES = (
    "slug",
    "title",  # the original, for ordering by it in cursor mode
    "short_title",
    *row_values(Workstream.TRANSLATED_FIELDS),
    "kind",
    "parent__slug",
    "successor__slug",
    "status_now",
    "also_known_as",
    "mandate",
    "mandate_until",
    "last_record_meeting__slug",
    "last_record_meeting__som_number",
    "last_record_meeting__segment",
)


def _standing_workstream(row: Row) -> Workstream:
    """What ``RecordClock.standing_of`` reads of a workstream, from its row."""
    meeting = None
    if row["last_record_meeting__slug"] is not None:
        meeting = Meeting(
            slug=row["last_record_meeting__slug"],
            som_number=row["last_record_meeting__som_number"],
            segment=row["last_record_meeting__segment"],
        )
    return Workstream(
        status_now=row["status_now"],
        mandate=row["mandate"],
        mandate_until=row["mandate_until"],
        last_record_meeting=meeting,
    )


def _by_workstream(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.workstream_id].append(row)
    return grouped


def _recorded_meetings(ids: list[int], up_to: list[int] | None) -> dict[int, list[str]]:
    """The meetings each workstream has a record of (of ``up_to`` only, given), in order: one
    query."""
    meetings: dict[int, list[str]] = defaultdict(list)
    entries = TimelineEntry.objects.filter(workstream__in=ids)
    if up_to is not None:
        entries = entries.filter(meeting__in=up_to)
    for workstream, meeting in entries.order_by("meeting__date", "meeting__som_number").values_list(
        "workstream_id", "meeting__slug"
    ):
        meetings[workstream].append(meeting)
    return meetings


def _decisions(ids: list[int], up_to: list[int] | None) -> dict[int, list[Decision]]:
    """The decisions of each workstream (of the meetings ``up_to`` only, given): one query."""
    decided = Decision.objects.filter(workstream__in=ids)
    if up_to is not None:
        decided = decided.filter(meeting__in=up_to)
    return _by_workstream(decided.select_related("meeting", "source__meeting"))


def workstream_rows(rows: list[Row], serializer: Serializer[Any]) -> list[Row]:
    """Four queries for the page: the leads, the decisions (the mandate periods), the meetings
    each workstream has a record of, and its cross-references; and the record's clock, once. As
    at a meeting (``as_at`` in the context, the rows already as they stood then), of the
    meetings up to it."""
    ids = [row["pk"] for row in rows]
    as_at = serializer.context.get("as_at")
    up_to = as_at.ids if as_at else None
    leads = _by_workstream(
        WorkstreamLead.objects.filter(workstream__in=ids).select_related(
            "entity", "source__meeting"
        )
    )
    decisions = _decisions(ids, up_to)
    meetings = _recorded_meetings(ids, up_to)
    references = tags_of("workstream", rows, serializer)
    url = serializer.fields["url"]
    clock = record_clock(serializer.context)
    # One serializer of each for the page, as a list serializer holds one child: building two a
    # row (each copies its fields) cost more than the rows' SQL.
    lead_shape = LeadSerializer(context=serializer.context)
    period_shape = MandatePeriodSerializer(context=serializer.context)
    standing_shapes = StandingShapes()
    every = every_language_asked(serializer.context)
    shaped = []
    for row in rows:
        pk = row["pk"]
        texts, missing = translated(RowText(row), Workstream.TRANSLATED_FIELDS, every=every)
        standing, mandate = standing_data(
            clock.standing_of(_standing_workstream(row)),
            kept=row["mandate"],
            shapes=standing_shapes,
        )
        shaped.append(
            {
                "slug": row["slug"],
                "url": url.to_representation(SimpleNamespace(pk=pk, slug=row["slug"])),
                "title": texts["title"],
                "short_title": texts["short_title"],
                "kind": row["kind"],
                "parent": row["parent__slug"],
                "successor": row["successor__slug"],
                "lead_entities": [lead.entity.slug for lead in leads[pk]],
                "leads": [lead_shape.to_representation(lead) for lead in leads[pk]],
                "status_now": row["status_now"],
                "standing": standing,
                "mandate": mandate,
                "mandates": [
                    period_shape.to_representation(period)
                    for period in mandate_periods(decisions[pk])
                ],
                "first_meeting": meetings[pk][0] if meetings[pk] else None,
                "last_meeting": meetings[pk][-1] if meetings[pk] else None,
                "also_known_as": row["also_known_as"],
                "description": texts["description"],
                "references": references[pk],
                "missing_translations": missing,
            }
        )
    return shaped
