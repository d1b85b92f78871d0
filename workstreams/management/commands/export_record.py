from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workstreams.export import record_export


class Command(BaseCommand):
    help = (
        "Write the whole public record (what an anonymous API consumer can read) to one zip "
        "archive: JSON and CSV per resource and a manifest with row counts and SHA-256 "
        "checksums. The file appears whole or not at all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The archive to write, e.g. record.zip.")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if path.is_dir() or not path.parent.is_dir():
            raise CommandError(f"{path} is not a file in an existing folder.")
        export = record_export(path=path)
        for name, rows in export.manifest["record"]["counts"].items():
            self.stdout.write(f"  {name}: {rows}")
        self.stdout.write(self.style.SUCCESS(f"Public record written to {path}."))
