"""The search index: one row per searchable object of the record, denormalized (docs/search.md).

Each row holds the text a search reads (a title, and a body that names the presenter, the
entity, the workstream and the meeting), the address of the object's page and whether anonymous
readers may see it. On PostgreSQL, ``vector`` holds the weighted full-text vector (title A,
body B), indexed with GIN, and ``title`` has a trigram GIN index for typos; both indexes and the
``pg_trgm`` extension are made by migration 0002, on PostgreSQL only. SQLite leaves ``vector``
empty and searches ``title``, ``body`` and ``titles`` directly (``search/query.py``).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchKind(models.TextChoices):
    WORKSTREAM = "workstream", _("Workstream")
    UPDATE = "update", _("Progress update")
    DECISION = "decision", _("Decision")
    PROPOSAL = "proposal", _("Proposal")
    MEETING = "meeting", _("Meeting")
    ENTITY = "entity", _("Entity")
    PERSON = "person", _("Person")


class SearchEntryQuerySet(models.QuerySet["SearchEntry"]):
    def public(self) -> "SearchEntryQuerySet":
        """What anyone may find: published updates, and every other kind of row."""
        return self.filter(public=True)


class SearchEntry(models.Model):
    Kind = SearchKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    object_id = models.PositiveBigIntegerField(_("object id"))
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    # The title in every language it has, one a line, with the short title's: found in any of
    # them, shown in none (docs/search.md).
    titles = models.TextField(_("titles"), blank=True, default="")
    url = models.CharField(_("url"), max_length=300, blank=True)
    public = models.BooleanField(_("public"), default=True)
    vector = SearchVectorField(_("vector"), null=True, editable=False)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
