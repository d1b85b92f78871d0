from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Report intake")

    def ready(self) -> None:
        # The rules of who takes in reports, and the job that reads a large one.
        from intake import permissions, tasks  # noqa: F401
