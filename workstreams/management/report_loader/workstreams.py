"""The workstreams' side of the reports: workstreams and their leads, the Senior Officials'
decisions, the progress updates, the proposals, the interventions (from the floor, and the
secretariat's responses) and the dated events of each workstream (``events``)."""

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from meetings.models import Intervention
from workstreams.management.report_loader.events import events_load
from workstreams.management.report_loader.rows import Loader
from workstreams.models import Decision, ProgressUpdate, Proposal, Workstream, WorkstreamLead
from workstreams.services import workstream_status_now_refresh, workstream_timeline_refresh


def workstreams_load(loader: Loader, data: Mapping[str, Any]) -> None:
    for row in data["workstreams"]:
        _workstream_load(loader, row)
    for row in data["decisions"]:
        key = (row["meeting"], row["workstream"], row["kind"])
        loader.decisions[key] = loader.upsert(
            Decision,
            {
                "meeting": loader.meetings[row["meeting"]],
                "workstream": loader.workstreams[row["workstream"]],
                "kind": row["kind"],
            },
            {
                "text": row["text"],
                "term": row.get("term", ""),
                "until_som": row.get("until_som"),
                **loader.sourced(row),
            },
        )
    for row in data["updates"]:
        _update_load(loader, row)
    _proposals_load(loader, data["proposals"])
    _interventions_load(loader, data["interventions"])
    events_load(loader, data.get("events", []))


def _workstream_load(loader: Loader, row: Mapping[str, Any]) -> None:
    loader.workstreams[row["slug"]] = loader.upsert(
        Workstream,
        {"slug": row["slug"]},
        {
            "title": row["title"],
            "short_title": row["short_title"],
            "kind": row["kind"],
            "parent": loader.workstreams[row["parent"]] if "parent" in row else None,
            "description": row.get("description", ""),
            "also_known_as": row.get("also_known_as", ""),
        },
    )
    for lead in row["leads"]:
        loader.upsert(
            WorkstreamLead,
            {
                "workstream": loader.workstreams[row["slug"]],
                "entity": loader.entity(lead["entity"]),
            },
            {"role": lead.get("role", WorkstreamLead.Role.LEAD), **loader.sourced(lead)},
        )


def _update_load(loader: Loader, row: Mapping[str, Any]) -> None:
    loader.updates[row["workstream"], row["meeting"]] = loader.upsert(
        ProgressUpdate,
        {
            "workstream": loader.workstreams[row["workstream"]],
            "meeting": loader.meetings[row["meeting"]],
        },
        {
            "agenda_item": loader.agenda_item(row["meeting"], row.get("agenda_item")),
            "presenter": loader.person(row.get("presenter")),
            "entity": loader.entity(row.get("entity")),
            "status": row["status"],
            "summary": row["summary"],
            "next_steps": row.get("next_steps", ""),
            "expected_to_continue_in": row.get("expected_to_continue_in"),
            "state": ProgressUpdate.State.PUBLISHED,
            # The reports' updates were made public at the meeting itself.
            "published_at": loader.meeting_close[row["meeting"]],
            **loader.sourced(row),
        },
    )


def _proposals_load(loader: Loader, rows: Iterable[Mapping[str, Any]]) -> None:
    positions: Counter[str] = Counter()
    for row in rows:
        positions[row["meeting"]] += 1
        loader.upsert(
            Proposal,
            {"meeting": loader.meetings[row["meeting"]], "title": row["title"]},
            {
                "kind": row["kind"],
                "position": positions[row["meeting"]],
                "summary": row.get("summary", ""),
                "presenter": loader.person(row.get("presenter")),
                "entity": loader.entity(row.get("entity")),
                "agenda_item": loader.agenda_item(row["meeting"], row.get("agenda_item")),
                "document": loader.document(row.get("document")),
                "workstream": loader.workstreams[row["workstream"]]
                if "workstream" in row
                else None,
                **loader.sourced(row),
            },
        )


def _interventions_load(loader: Loader, rows: Iterable[Mapping[str, Any]]) -> None:
    """Interventions, written through ``intervention_save`` (see rows._save)."""
    positions: Counter[str] = Counter()
    for row in rows:
        positions[row["meeting"]] += 1
        loader.upsert(
            Intervention,
            {"meeting": loader.meetings[row["meeting"]], "position": positions[row["meeting"]]},
            {
                "agenda_item": loader.agenda_item(row["meeting"], row.get("agenda_item")),
                "entity": loader.entity(row["entity"]),
                "person": loader.person(row.get("person")),
                "speaker_as_recorded": row.get("speaker", ""),
                "kind": row.get("kind", Intervention.Kind.FLOOR),
                "summary": row["summary"],
                **loader.sourced(row),
            },
        )


def timeline_refresh(loader: Loader) -> None:
    """Every cell of the reports' workstreams, derived again by the timeline service."""
    workstreams = Workstream.objects.filter(
        pk__in=[w.pk for w in loader.workstreams.values() if isinstance(w, Workstream)]
    )
    workstream_timeline_refresh(workstreams=workstreams)
    # A meeting whose date changed may change which cell is the latest, with no cell changed.
    workstream_status_now_refresh(workstreams=workstreams)
