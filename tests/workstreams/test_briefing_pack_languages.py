"""The briefing pack in the language it was asked in: the worker has no request, so the job
carries the language, and each language keeps its own current pack."""

import re
import subprocess
from typing import Any

import pytest
from django.utils import translation

from meetings.models import Meeting
from tests.factories import UserFactory
from workstreams import services
from workstreams.models import Job

SOM28_MID_TERM = "som28-mid-term"

pytestmark = pytest.mark.usefixtures("record")


def _ask(language: str, callbacks: Any) -> Job:
    with translation.override(language), callbacks(execute=True):
        job = services.briefing_pack_request(
            meeting=Meeting.objects.get(slug=SOM28_MID_TERM),
            by=UserFactory.create(role="secretariat"),
        )
    return Job.objects.get(pk=job.pk)


def _pdf_text(job: Job) -> str:
    pdf = next(d for d in job.documents.all() if (d.file.name or "").endswith(".pdf"))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.file.read(), capture_output=True, check=True
    ).stdout.decode()
    # Without the direction marks pdftotext puts around right-to-left runs.
    return " ".join(re.sub("[\u202a-\u202e]", "", text).split())


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["fr", "ar", "zh-hans"])
def test_a_pack_asked_for_in_a_language_is_written_in_it(
    language: str, django_capture_on_commit_callbacks: Any
) -> None:
    job = _ask(language, django_capture_on_commit_callbacks)
    assert (job.state, job.language) == ("done", language)
    titles = {d.title for d in job.documents.all()}
    expected = _in(language, "Briefing pack (%(format)s)") % {"format": "PDF"}
    assert expected != "Briefing pack (PDF)"
    assert expected in titles
    # The PDF's own words are in that language, in a font that has its letters. pdftotext
    # gives an Arabic lam-alef ligature's two letters the other way round: those words aside.
    heading = _in(language, "Briefing pack")
    assert heading != "Briefing pack"
    text = _pdf_text(job)
    words = [w for w in heading.split() if not re.search("ل[اأإآ]", w)]
    assert words
    assert all(word in text for word in words), (words, text[:300])


def test_each_language_keeps_its_own_current_pack(django_capture_on_commit_callbacks: Any) -> None:
    english = _ask("en", django_capture_on_commit_callbacks)
    french = _ask("fr", django_capture_on_commit_callbacks)
    again = _ask("fr", django_capture_on_commit_callbacks)
    assert not any(d.is_superseded for d in english.documents.all())
    assert all(d.is_superseded for d in french.documents.all())
    assert not any(d.is_superseded for d in again.documents.all())
    meeting = Meeting.objects.get(slug=SOM28_MID_TERM)
    assert meeting.documents.current().filter(kind="briefing_pack").count() == 6
