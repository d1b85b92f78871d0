"""The rest of the record of a meeting: decisions, proposals and the derived timeline cells."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from emgtracker.admin import ReadOnly, RulesModelAdmin
from meetings.translation_admin import TranslatedAdmin, status_form
from search.admin_search import admin_search_results
from search.models import SearchKind
from workstreams import services
from workstreams.admin.base import KeepsTimelineCells
from workstreams.admin.references import ReferenceTagInline, SavesTagsInline
from workstreams.models import Decision, Proposal, TimelineEntry


class RecordOfMeetingAdmin(KeepsTimelineCells[Decision | Proposal], RulesModelAdmin):
    """Decisions and proposals, saved and deleted through their services: ``record_save`` and
    ``record_delete`` take the row by the model's name (``decision=``, ``proposal=``)."""

    record_save: Callable[..., Any]
    record_delete: Callable[..., Any]
    search_kind: SearchKind

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        own = super().get_search_results(request, queryset, search_term)
        return admin_search_results(queryset, own, search_term, kind=self.search_kind)

    def _row(self, row: Decision | Proposal) -> dict[str, Decision | Proposal]:
        return {str(self.opts.model_name): row}

    def save_model(
        self, request: HttpRequest, obj: Decision | Proposal, form: Any, change: bool
    ) -> None:
        self.record_save(**self._row(obj), by=request.user)

    def delete_model(self, request: HttpRequest, obj: Decision | Proposal) -> None:
        self.record_delete(**self._row(obj), by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for row in queryset:
            self.record_delete(**self._row(row), by=request.user)


@admin.register(Decision)
class DecisionAdmin(SavesTagsInline, TranslatedAdmin, RecordOfMeetingAdmin):
    form = status_form(Decision)
    record_save = staticmethod(services.decision_save)
    record_delete = staticmethod(services.decision_delete)
    list_display = [
        "workstream",
        "meeting",
        "kind",
        "term",
        "evidence",
        "text",
        "translations_missing",
    ]
    list_filter = ["kind", "term", "evidence", "meeting"]
    list_select_related = ["workstream", "meeting"]
    search_fields = ["text", "workstream__title", "workstream__short_title"]
    search_kind = SearchKind.DECISION
    autocomplete_fields = ["meeting", "workstream", "source"]
    inlines = [ReferenceTagInline]


@admin.register(Proposal)
class ProposalAdmin(RecordOfMeetingAdmin):
    record_save = staticmethod(services.proposal_save)
    record_delete = staticmethod(services.proposal_delete)
    list_display = ["title", "kind", "meeting", "entity", "workstream", "evidence"]
    list_filter = ["kind", "evidence", "meeting"]
    list_select_related = ["meeting", "entity", "workstream"]
    search_fields = ["title", "summary"]
    search_kind = SearchKind.PROPOSAL
    autocomplete_fields = [
        "meeting",
        "presenter",
        "entity",
        "agenda_item",
        "document",
        "workstream",
        "source",
    ]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnly, RulesModelAdmin):
    """The derived cells of the matrix, to read; they change when the record changes."""

    list_display = ["workstream", "meeting", "status", "basis", "evidence"]
    list_filter = ["status", "basis", "evidence", "meeting"]
    list_select_related = ["workstream", "meeting"]
    search_fields = ["workstream__title", "workstream__short_title"]
