"""``/api/v1/references/``: the SDG goals and targets, UNEA resolutions and MEA decisions, by
kind, each with how many workstreams, updates and decisions refer to it."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from emgtracker.rest import APIConventions
from workstreams.models import FrameworkReference, ReferenceKind
from workstreams.serializers.references import FrameworkReferenceSerializer


class FrameworkReferenceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReferenceKind.choices)
    # A choice, not a BooleanFilter: that one takes any other word for "either" and answers 200.
    referred = django_filters.ChoiceFilter(
        label=_("Referred to"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        method="referred_filter",
        help_text=_("Only those something in the record refers to (true), or none (false)."),
    )

    class Meta:
        model = FrameworkReference
        fields = ["kind", "referred"]

    def referred_filter(
        self, queryset: QuerySet[FrameworkReference], name: str, value: str
    ) -> QuerySet[FrameworkReference]:
        referred = Q(tag_count__gt=0)  # annotated: with_tag_count
        return queryset.filter(referred if value == "true" else ~referred)


@extend_schema_view(
    list=extend_schema(summary="List framework references"),
    retrieve=extend_schema(summary="Get a framework reference"),
)
class FrameworkReferenceViewSet(APIConventions, viewsets.ReadOnlyModelViewSet[FrameworkReference]):
    """SDG goals and targets (official codes and titles, in English), UNEA resolutions and MEA
    decisions (by symbol). Filter workstreams, updates and decisions by one with ``?sdg=``,
    ``?unea=`` or ``?mea=``."""

    serializer_class = FrameworkReferenceSerializer
    filterset_class = FrameworkReferenceFilter
    lookup_field = "slug"
    ordering_fields = ["sort_key", "code"]
    ordering = ["sort_key"]

    def get_queryset(self) -> QuerySet[FrameworkReference]:
        return FrameworkReference.objects.select_related("goal").with_tag_count()
