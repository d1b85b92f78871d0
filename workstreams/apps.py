from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstreamsConfig(AppConfig):
    name = "workstreams"
    verbose_name = _("Workstreams")

    def ready(self) -> None:
        # Registers the rules every permission check of the admin, the API and the services asks.
        from workstreams import permissions, tasks  # noqa: F401  (tasks: for delivery's outbox)
