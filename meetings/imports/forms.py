"""The import's two forms, the upload kept between them, and the preview's rows."""

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from diff_match_patch import diff_match_patch
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from meetings.imports.files import FORMATS, UnreadableFileError, check_size
from meetings.imports.plan import AttendancePlan, Change, PlannedRow
from meetings.models import Meeting

FORMAT_CHOICES = [(str(index), title) for index, title in enumerate(FORMATS)]
UPLOAD_NAME = re.compile(r"[0-9a-f]{32}")


def uploads_folder() -> Path:
    """Where an upload waits from its preview to its confirmation, under a random name that the
    confirmation removes. Under MEDIA_ROOT, which every web process shares (the compose file's
    volume), so the confirmation may reach another process than the preview did; MEDIA_ROOT is
    never served as it is (docs/deploy.md)."""
    return Path(settings.MEDIA_ROOT) / "participant-imports"


def keep_upload(data: bytes) -> str:
    """Keep an upload for its confirmation; its name (128 random bits) for the form."""
    folder = uploads_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    (folder / name).write_bytes(data)
    return name


def take_upload(name: str) -> bytes:
    """The upload kept under ``name``, removed: a second confirmation finds nothing
    (FileNotFoundError)."""
    if not UPLOAD_NAME.fullmatch(name):
        raise FileNotFoundError(name)
    path = uploads_folder() / name
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return data


class MeetingChoiceField(forms.ModelChoiceField[Meeting]):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.short_label} ({obj.date_display})"


class ParticipantImportForm(forms.Form):
    """The meeting, the file and its format."""

    meeting = MeetingChoiceField(
        queryset=Meeting.objects.order_by("-date", "-som_number"),
        label=_("Meeting"),
        help_text=_("The meeting whose list of participants this file is."),
    )
    import_file = forms.FileField(label=_("File to import"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)

    def clean_import_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["import_file"]
        try:
            check_size(upload.size or 0)
        except UnreadableFileError as error:
            raise ValidationError(str(error), code="too_large") from error
        return upload


class ParticipantConfirmForm(forms.Form):
    """The confirmation, which carries the preview's meeting, format and kept upload."""

    import_file_name = forms.CharField(widget=forms.HiddenInput)
    original_file_name = forms.CharField(widget=forms.HiddenInput)
    format = forms.ChoiceField(choices=FORMAT_CHOICES, widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.all(), widget=forms.HiddenInput)


# The preview ------------------------------------------------------------------------------------

TAGS = {
    diff_match_patch.DIFF_INSERT: "ins",
    diff_match_patch.DIFF_DELETE: "del",
    diff_match_patch.DIFF_EQUAL: "span",
}
HEADERS = [_("Row"), _("Name"), _("Entity"), _("Entity as listed"), _("List number")]


@dataclass(frozen=True)
class PreviewRow:
    import_type: Change
    diff: list[SafeString]


def marked_changes(before: str, after: str) -> SafeString:
    """``after`` with what changed from ``before`` as bare <ins> and <del>: diff-match-patch's
    own HTML has style="..." attributes, which the Content-Security-Policy refuses."""
    differ = diff_match_patch()
    diffs = differ.diff_main(before, after)
    differ.diff_cleanupSemantic(diffs)
    return format_html_join("", "<{0}>{1}</{0}>", ((TAGS[op], text) for op, text in diffs if text))


def _shown(planned: PlannedRow, numbered: bool) -> list[str]:
    """The preview's cells for a row as the import leaves it."""
    number = planned.values(numbered)[3]
    return [
        str(planned.row.file_row),
        planned.row.name,
        str(planned.row.entity or ""),
        planned.row.listed_affiliation,
        "" if number is None else str(number),
    ]


def preview_rows(plan: AttendancePlan) -> list[PreviewRow]:
    """Each row as New, Update or Unchanged, with its changes marked."""
    rows = []
    for planned in plan.rows:
        after = _shown(planned, plan.numbered)
        before = [after[0], "", "", "", ""]  # A new attendance: everything but the row is new.
        if (old := planned.attendance) is not None:
            number = "" if old.list_number is None else str(old.list_number)
            before = [after[0], old.person.name, str(old.entity or ""), old.listed_affiliation]
            before.append(number)
        diff = [marked_changes(b, a) for b, a in zip(before, after, strict=True)]
        rows.append(PreviewRow(planned.change(plan.numbered), diff))
    return rows
