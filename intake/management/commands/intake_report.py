import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intake.items import LISTS, intake_payload
from intake.models import Intake
from intake.reading import ReportUnreadable
from intake.services import choices_needed, intake_upload
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Take in a meeting report (.docx, .pdf or .txt): read it into draft items to review in "
        "the admin (Report intakes), matched to the record. Nothing is written to the record "
        "until a person applies the items. docs/intake.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The report: a .docx, .pdf or .txt file.")
        parser.add_argument(
            "--meeting", metavar="SLUG", help="The meeting the report is of, e.g. som30-mid-term."
        )
        parser.add_argument(
            "--json",
            metavar="OUT",
            help="Also write the extraction, as GET /api/v1/intakes/{id}/ gives it, to OUT "
            "(- for standard output).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        meeting = None
        if options["meeting"]:
            meeting = Meeting.objects.filter(slug=options["meeting"]).first()
            if meeting is None:
                raise CommandError(f"No meeting has the slug {options['meeting']!r}.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            intake = intake_upload(
                file_name=path.name, data=data, by=None, meeting=meeting, read_now=True
            )
        except ReportUnreadable as error:
            raise CommandError(str(error)) from error
        if intake.state == Intake.State.FAILED:
            raise CommandError(intake.error)
        if options["json"]:
            text = json.dumps(intake_payload(intake), ensure_ascii=False, indent=2)
            if options["json"] == "-":
                self.stdout.write(text)
                return
            Path(options["json"]).write_text(text + "\n", encoding="utf-8")
        self._summary(intake)

    def _summary(self, intake: Intake) -> None:
        items = list(intake.items.all())
        self.stdout.write(
            f"Intake {intake.pk}: {intake.file_name}, {intake.line_count} lines read."
        )
        for key, section in {"meeting": "meeting", **LISTS}.items():
            found = [item for item in items if item.section == section]
            flagged = sum(1 for item in found if choices_needed(item))
            note = f" ({flagged} to choose for)" if flagged else ""
            self.stdout.write(f"  {key}: {len(found)}{note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Review it in the admin: /admin/intake/intake/{intake.pk}/change/ — nothing is "
                "in the record until its items are applied."
            )
        )
