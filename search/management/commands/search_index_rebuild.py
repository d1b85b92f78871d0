from typing import Any

from django.core.management.base import BaseCommand

from search.index import index_rebuild


class Command(BaseCommand):
    help = "Write the search index again from the record: after a bulk load, or to repair it."

    def handle(self, *args: Any, **options: Any) -> None:
        written = index_rebuild()
        self.stdout.write(f"Search index rebuilt: {written} entries.")
