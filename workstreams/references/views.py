"""The cross-reference pages: ``/references/``, the references by kind (the SDG goals with
their targets folded under them; only those the record refers to, or all with ``?all=1``), and
``/references/<slug>/``, what refers to one, with the report's words for it."""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from workstreams.models import FrameworkReference, ReferenceKind, ReferenceTag


def _count(reference: FrameworkReference) -> int:
    """How many public rows refer to it, as ``with_tag_count`` counted them."""
    return int(getattr(reference, "tag_count", 0))


@dataclass
class GoalGroup:
    goal: FrameworkReference
    targets: list[FrameworkReference] = field(default_factory=list)

    @property
    def referred(self) -> bool:
        return bool(_count(self.goal)) or any(_count(t) for t in self.targets)


def _groups(
    references: list[FrameworkReference], *, everything: bool
) -> tuple[list[GoalGroup], dict[str, list[FrameworkReference]]]:
    """The SDG goals with their targets (those referred to, or every one), and the other
    references by kind."""
    references = sorted(references, key=lambda r: r.sort_key)  # as Python orders the key
    goals = {r.pk: GoalGroup(r) for r in references if r.kind == ReferenceKind.SDG_GOAL}
    others: dict[str, list[FrameworkReference]] = {}
    for reference in references:
        if reference.kind == ReferenceKind.SDG_GOAL:
            continue
        if reference.kind == ReferenceKind.SDG_TARGET and reference.goal_id in goals:
            if everything or _count(reference):
                goals[reference.goal_id].targets.append(reference)
        elif reference.kind != ReferenceKind.SDG_TARGET:
            others.setdefault(reference.kind, []).append(reference)
    return [g for g in goals.values() if everything or g.referred], others


def reference_list(request: HttpRequest) -> HttpResponse:
    """Every kind of reference on one page, from one query."""
    everything = request.GET.get("all") == "1"
    references = list(FrameworkReference.objects.with_tag_count())
    goals, others = _groups(references, everything=everything)
    return render(
        request,
        "workstreams/references/reference_list.html",
        {
            "everything": everything,
            "goals": goals,
            "resolutions": others.get(ReferenceKind.UNEA_RESOLUTION, []),
            "mea_decisions": others.get(ReferenceKind.MEA_DECISION, []),
        },
    )


def reference_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A reference: its official title, its goal or targets, and what refers to it."""
    found = FrameworkReference.objects.select_related("goal")
    reference = get_object_or_404(found, slug=slug)
    targets: list[FrameworkReference] = []
    if reference.kind == ReferenceKind.SDG_GOAL:
        targets = list(reference.targets.with_tag_count())
    tags = list(ReferenceTag.objects.for_reference_page(reference))
    return render(
        request,
        "workstreams/references/reference_detail.html",
        {
            "reference": reference,
            "targets": targets,
            "workstream_tags": [t for t in tags if t.workstream_id],
            "update_tags": [t for t in tags if t.update_id],
            "decision_tags": [t for t in tags if t.decision_id],
        },
    )
