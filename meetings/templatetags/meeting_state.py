"""A meeting as the pages show it today (``Meeting.state_on``): a planned meeting whose date has
passed with nothing on record reads "date passed, no report on record", never "planned"."""

from django import template
from django.utils import timezone

from meetings.models import Meeting

register = template.Library()


@register.filter
def state_now(meeting: Meeting) -> str:
    """``held``, ``planned`` or ``date_passed``, on today's date (the record's cached answers
    are kept for a day at most: emgtracker/caching.py)."""
    return meeting.state_on(timezone.localdate())
