from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Keeps the index with every write of the rows it holds, in the writer's transaction;
        # connected here so that no other app imports this one to write.
        from search import index

        index.receivers_connect()
        # A database that had its record before it had the index gets the index's entries.
        post_migrate.connect(index.index_fill, sender=self, dispatch_uid="search-fill")
