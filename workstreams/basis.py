"""What a fact rests on, in words, for the documents that print it (the briefing pack): the
report's own words, our reading of them and why, or nothing the report states (docs/record.md).
A symbol alone would not survive a black-and-white print or a screen reader."""

from django.utils.translation import gettext as _

from meetings.models import Evidence


def basis_text(evidence: str, reason: str) -> str:
    """ "Stated in the report", "Inferred: <why>", or "Not stated in the report"."""
    if evidence == Evidence.INFERRED:
        return _("Inferred: %(reason)s") % {"reason": reason}
    if evidence == Evidence.NOT_STATED:
        return _("Not stated in the report")
    return _("Stated in the report")


def with_basis(text: str, evidence: str, reason: str) -> str:
    """ "Active (stated in the report)", "Extended (inferred: <why>)": a fact and its basis."""
    if evidence == Evidence.INFERRED:
        return _("%(fact)s (inferred: %(reason)s)") % {"fact": text, "reason": reason}
    if evidence == Evidence.NOT_STATED:
        return _("%(fact)s (not stated in the report)") % {"fact": text}
    return _("%(fact)s (stated in the report)") % {"fact": text}
