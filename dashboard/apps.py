from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The public pages that read both ``meetings`` and ``workstreams``; no models of its own."""

    name = "dashboard"
    verbose_name = _("Dashboard")
