"""The words of the Word briefing pack, in the reader's language.

The DOCX template (templates/documents/briefing_pack.docx, written by
scripts/make_docx_templates.py) holds no English of its own: every label is ``{{ t.name }}``,
and a sentence with a value in it is ``{{ t.name|format(key=value) }}``, so that a translator
sees the whole sentence. The messages are the HTML pack's (templates/documents/
briefing_pack.html), so both files of a pack read the same in every language.
"""

from django.utils.translation import gettext as _


def docx_labels() -> dict[str, str]:
    """The labels by the name the DOCX template gives them, translated now."""
    return {
        "title": _("Briefing pack: %(meeting)s"),
        "footer": _("EMG briefing pack – %(meeting)s"),
        "author": _("EMG Workstream Tracker"),
        "united_nations": _("UNITED NATIONS"),
        "emg": _("ENVIRONMENT MANAGEMENT GROUP"),
        "subtitle": _("Briefing pack: progress by workstream"),
        "meeting": _("Meeting"),
        "date": _("Date"),
        "time": _("Time"),
        "venue": _("Venue"),
        "symbol": _("Document symbol"),
        "generated": _("Generated %(when)s"),
        "progress": _("Progress by workstream"),
        "agenda_item": _("Agenda item"),
        "leads": _("Lead entities"),
        "presenter": _("Presented by"),
        "status": _("Status"),
        "status_basis": _("Basis of the status"),
        "status_now": _("Status now"),
        "decisions": _("Decisions"),
        "summary": _("Summary"),
        "next_steps": _("Next steps"),
        "continue_in": _("Expected to continue in"),
        "source": _("Source: %(where)s"),
        "no_update": _("No progress update has been published for this meeting."),
        "across": _("Status across meetings"),
        "workstream": _("Workstream"),
        "inferred_note": _(
            "Each status is stated in the reports unless marked “(inferred)”: our reading of "
            "the reports."
        ),
        "inferred_why": _("Why each inferred status is read so"),
        "watch": _("Mandates to watch"),
        "watch_intro": _(
            "Mandates that end at the next Senior Officials Meeting with no renewal on record, "
            "mandates that have lapsed, and work reported after its mandate lapsed."
        ),
        "watch_none": _("No mandate to watch on record."),
        "since": _("Since the last meeting"),
        "since_intro": _(
            "What changed from %(previous)s to %(meeting)s, derived from the record of the "
            "meetings in between; each change with its basis and where the record says it."
        ),
        "since_first": _("The first meeting on record: there is no earlier meeting to compare."),
        "since_none": _("No change on record."),
    }
