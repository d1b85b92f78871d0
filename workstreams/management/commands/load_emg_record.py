from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workstreams.management.report_loader import LoadReport, ReportDataError, reports_load


class Command(BaseCommand):
    help = (
        "Load the EMG record (SOM27 to SOM29, from the SOM28 mid-term and SOM29 midterm "
        "reports). Safe to run again: a second run changes nothing, and a row someone changed "
        "or deleted after loading is left alone."
    )

    unchanged = "The EMG record is already loaded; nothing changed."
    loaded = "EMG record loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what a load would change and what it would leave alone; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        try:
            report = reports_load(dry_run=dry_run)
        except ReportDataError as error:
            raise CommandError(f"The record files are inconsistent: {error}") from error
        self.write_report(report, dry_run=dry_run)

    def write_report(self, report: LoadReport, *, dry_run: bool) -> None:
        would = "would be " if dry_run else ""
        if report.corrected:
            self.stdout.write(f"Corrected from the record ({would}updated):")
            for note in report.corrected:
                self.stdout.write("\n".join(f"  {line}" for line in note.lines()))
        if report.left_alone:
            self.stdout.write(
                self.style.WARNING(
                    f"Left alone ({len(report.left_alone)}): changed after loading; the record "
                    "does not overwrite later edits."
                )
            )
            for note in report.left_alone:
                self.stdout.write("\n".join(f"  {line}" for line in note.lines()))
        if not report.changed:
            self.stdout.write(self.unchanged)
            return
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(self.loaded))
