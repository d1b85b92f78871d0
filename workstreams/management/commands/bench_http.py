import datetime
import logging
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from workstreams.management.bench_http.harness import Scale, Settings, machine, scale_measure
from workstreams.management.bench_http.report import docs_write, markdown, table, verdicts
from workstreams.management.bench_http.server import database_url, server_env, static_collect
from workstreams.management.benchmark import record_scale, record_units
from workstreams.management.report_loader import reports_load
from workstreams.models import Workstream


class Command(BaseCommand):
    help = (
        "Time every page and API list over HTTP, under gunicorn (two workers) on PostgreSQL, at "
        "several multiples of the EMG record, in a throwaway database (<yours>_http): each "
        "beside its floor, then concurrent clients; report against the budget and write the "
        "'Over HTTP' section of docs/benchmarks.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add = parser.add_argument
        add("--scales", type=int, nargs="+", default=[1, 100, 1000], help="Default: 1 100 1000.")
        add("--samples", type=int, default=40, help="Samples of each row (default: 40).")
        add("--clients", type=int, default=4, help="Concurrent clients (default: 4).")
        add("--seconds", type=float, default=30, help="How long they run (default: 30).")
        add("--timeout", type=float, default=30, help="A request's limit, in s (default: 30).")
        add("--docs", type=Path, default=Path(settings.BASE_DIR) / "docs" / "benchmarks.md")
        add("--no-docs", action="store_true", help="Leave docs/benchmarks.md as it is.")
        add("--check", action="store_true", help="Exit non-zero when over budget.")

    def handle(self, *args: Any, scales: list[int], **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Set DATABASE_URL to a PostgreSQL server: the budget is for it.")
        if min(scales) < 1 or options["samples"] < 1:
            raise CommandError("Give scales of 1 or more, and --samples of 1 or more.")
        logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line a request
        measure = Settings(
            samples=options["samples"],
            clients=options["clients"],
            seconds=options["seconds"],
            timeout=options["timeout"],
        )
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_http"
        original = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            found, where = self._measure(sorted(set(scales)), measure)
        finally:
            connection.creation.destroy_test_db(original, verbosity=0)
        self.stdout.write("\n" + table(found))
        if not options["no_docs"]:
            section = markdown(
                found, machine=where, samples=measure.samples, when=datetime.date.today()
            )
            docs_write(options["docs"], section)
            self.stdout.write(f"\nWrote the 'Over HTTP' section of {options['docs']}.")
        self._verdict(verdicts(found), check=options["check"])

    def _measure(self, scales: list[int], measure: Settings) -> tuple[list[Scale], str]:
        env = server_env(database_url(connection.settings_dict))
        static_collect(env)
        reports_load()
        base = grown = record_units()
        found = []
        with tempfile.TemporaryDirectory(prefix="bench-http-") as logs:
            for scale in scales:
                grown = record_scale(base=base, grown=grown, scale=scale, say=self.stdout.write)
                found.append(
                    scale_measure(
                        scale=scale,
                        workstreams=Workstream.objects.count(),
                        env=env,
                        log=Path(logs) / f"gunicorn-{scale}.log",
                        settings=measure,
                        say=self.stdout.write,
                    )
                )
        return found, machine()

    def _verdict(self, broken: list[str], *, check: bool) -> None:
        if not broken:
            self.stdout.write(self.style.SUCCESS("\nWithin budget."))
            return
        self.stdout.write(self.style.WARNING("\nOver budget:\n  " + "\n  ".join(broken)))
        if check:
            raise CommandError(f"{len(broken)} over budget.")
