from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workstreams.record import RecordError, record_load


class Command(BaseCommand):
    help = (
        "Load the EMG record (SOM27 to SOM29, from the SOM28 mid-term and SOM29 midterm "
        "reports). Safe to run again: a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = record_load()
        except RecordError as error:
            raise CommandError(f"The record files are inconsistent: {error}") from error
        if not report.changed:
            self.stdout.write("The EMG record is already loaded; nothing changed.")
            return
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("EMG record loaded."))
