from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Logins")

    def ready(self) -> None:
        # Connects the login log to Django's and django-axes' signals.
        from accounts import logins  # noqa: F401
