from django.contrib.admin.apps import AdminConfig


class EMGAdminConfig(AdminConfig):
    """The admin, with the secretariat's landing panel as its index."""

    default_site = "emgtracker.admin.EMGAdminSite"
