import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

from workstreams.management.benchmark import LATENCY_RATIO, benchmark, verdicts
from workstreams.management.report_loader import reports_load


class Command(BaseCommand):
    help = (
        "Time every page and API list at several multiples of the EMG record, in a throwaway "
        "database (your own is not touched), and check the budget: the same queries at every "
        f"size, and paged lists at the largest within {LATENCY_RATIO}× of the next largest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scales",
            type=int,
            nargs="+",
            default=[1, 100, 1000],
            help="Multiples of the record to measure at (default: 1 100 1000).",
        )
        parser.add_argument(
            "--repeat", type=int, default=15, help="Timed requests per page (default: 15)."
        )
        parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
        parser.add_argument(
            "--check", action="store_true", help="Exit non-zero when the budget is broken."
        )

    def handle(self, *args: Any, scales: list[int], repeat: int, **options: Any) -> None:
        if len(scales) < 2 or min(scales) < 1 or repeat < 1:
            raise CommandError("Give two or more scales of 1 or more, and --repeat of 1 or more.")
        # DEBUG off, as in production: no query log to slow each request down.
        setup_test_environment(debug=False)
        original = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            reports_load()
            rows = benchmark(scales=scales, repeat=repeat, say=self.stdout.write)
        finally:
            connection.creation.destroy_test_db(original, verbosity=0)
            teardown_test_environment()

        scales = sorted(scales)
        head = f"{'page or list':<52}" + "".join(f"{f'{s}×':>16}" for s in scales)
        self.stdout.write(f"\n{head}\n{'':<52}" + f"{'queries  median':>16}" * len(scales))
        for row in rows:
            cells = "".join(
                f"{row.at[s].queries:>7} {row.at[s].median_ms:>6.1f} ms" for s in scales
            )
            self.stdout.write(f"{row.url:<52}{cells}")
        if options["json"]:
            options["json"].write_text(
                json.dumps(
                    [
                        {
                            "url": r.url,
                            "at": {s: vars(r.at[s]) for s in scales},
                        }
                        for r in rows
                    ],
                    indent=2,
                )
            )
        broken = verdicts(rows, scales)
        if not broken:
            self.stdout.write(self.style.SUCCESS("\nWithin budget."))
            return
        self.stdout.write(self.style.WARNING("\nOver budget:\n  " + "\n  ".join(broken)))
        if options["check"]:
            raise CommandError(f"{len(broken)} over budget.")
