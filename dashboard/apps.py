from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The public pages that read both ``meetings`` and ``workstreams``; no models of its own."""

    name = "dashboard"
    verbose_name = "Dashboard"
