"""The secretariat's workspace: the admin site, its landing panel and the rules-aware base class."""

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import (
    ObjectPermissionsInlineModelAdminMixin,
    ObjectPermissionsModelAdminMixin,
)
from simple_history.admin import SimpleHistoryAdmin

_ChildModel = TypeVar("_ChildModel", bound=Model)


class EMGAdminSite(admin.AdminSite):
    site_header = _("EMG Workstream Tracker")
    site_title = _("EMG workspace")
    index_title = _("Workspace")
    index_template = "admin/emg_index.html"

    def __init__(self, name: str = "admin") -> None:
        # Imported here: its form imports models, and this module is imported before they load.
        from accounts.forms import LoginForm

        super().__init__(name)
        self.login_form = LoginForm

    def get_urls(self) -> list[URLResolver | URLPattern]:
        from accounts.views import two_factor

        mine = [path("two-factor/", self.admin_view(two_factor), name="two_factor_setup")]
        return mine + super().get_urls()

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        # Imported here: the site is built before the apps' models are ready.
        from workstreams.landing import landing_panel

        context = {"panel": landing_panel(request.user, today=timezone.localdate())}
        return super().index(request, {**context, **(extra_context or {})})


class ReadOnly:
    """For rows only the code writes (derived cells, the workers' records): shown, never added,
    changed or deleted here, not even by a superuser, whom the rules let through."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class RulesModelAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    """A model admin whose every permission, row by row, comes from workstreams.permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        # Roles hold no table permissions, so Django's module check would hide every app.
        return any(self.get_model_perms(request).values())

    # Whatever the admin writes may show on a public page: each write moves the record's version
    # on (meetings/record_version.py). The services of the record bump it too; twice is harmless.

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _bump()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _bump()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        _bump()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        _bump()


def _bump() -> None:
    # Imported here: the site is built before the apps' models are ready.
    from meetings.record_version import record_version_bump

    record_version_bump()


class RulesTabularInline(
    ObjectPermissionsInlineModelAdminMixin, admin.TabularInline[_ChildModel, Model]
):
    extra = 0
