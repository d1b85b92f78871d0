from typing import Any

from workstreams.management.commands.load_emg_record import Command as RecordCommand
from workstreams.management.report_loader.framework import sdg_file_load


class Command(RecordCommand):
    help = (
        "Load the 17 SDG goals and 169 targets with their official codes and titles (also "
        "loaded by load_emg_record). Safe to run again: a second run changes nothing, and a goal "
        "or target someone edited is left alone."
    )

    unchanged = "The SDG goals and targets are already loaded; nothing changed."
    loaded = "SDG goals and targets loaded."

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        self.write_report(sdg_file_load(dry_run=dry_run), dry_run=dry_run)
