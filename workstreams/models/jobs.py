"""Work the secretariat asked for and a worker does: the briefing pack of a meeting."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check
from meetings.models import Document, Meeting


class JobKind(models.TextChoices):
    BRIEFING_PACK = "briefing_pack", _("Briefing pack")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Work the secretariat asked for, with a state the admin and the API show."""

    Kind = JobKind
    State = JobState

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("meeting")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0, help_text=_("Steps done."))
    total = models.PositiveIntegerField(
        _("total"), default=0, help_text=_("Steps in all, once known.")
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why it failed."))
    documents = models.ManyToManyField(
        Document, blank=True, related_name="+", verbose_name=_("documents")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.CONTENT_ORIGINAL_LANGUAGE,
        help_text=_("The language the pack is written in: the one it was asked for in."),
    )
    contents = models.JSONField(
        _("contents"),
        default=dict,
        blank=True,
        help_text=_(
            "The published updates the pack was compiled from, id to version: when one leaves "
            "the public record, the pack is superseded."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        constraints = [
            choices_check("kind", JobKind, "job_kind_valid"),
            choices_check("state", JobState, "job_state_valid"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="job_language_valid",
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="job_done_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.meeting}"

    @property
    def progress(self) -> str:
        if self.state == JobState.RUNNING and self.total:
            return _("%(done)d of %(total)d done") % {"done": self.done, "total": self.total}
        if self.state == JobState.FAILED:
            return _("Failed: %(error)s") % {"error": self.error}
        return str(self.get_state_display())
