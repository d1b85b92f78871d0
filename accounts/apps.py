from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Logins"

    def ready(self) -> None:
        # Connects the login log to Django's and django-axes' signals.
        from accounts import logins  # noqa: F401
