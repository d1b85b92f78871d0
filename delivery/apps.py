from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """An app without models: the outbox's, the webhooks' and the notices' rows stay in
    ``workstreams.models`` (and their tables, admin pages and migrations with them). Moving
    them would take ``SeparateDatabaseAndState`` migrations for no change a user could see."""

    name = "delivery"
    verbose_name = _("Delivery")

    def ready(self) -> None:
        from delivery import tasks  # noqa: F401  (registered for outbox_send, in every process)
