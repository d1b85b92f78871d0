"""Workspace logins, with their role groups and the entity a focal point speaks for."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from workstreams.models import FocalPoint


class FocalPointInline(admin.StackedInline[FocalPoint, User]):
    model = FocalPoint
    autocomplete_fields = ["entity"]
    verbose_name = _("focal point for an entity")


admin.site.unregister(User)


@admin.register(User)
class EMGUserAdmin(UserAdmin[User]):
    inlines = [FocalPointInline]
    list_display = ["username", "email", "roles", "is_active", "is_staff", "is_superuser"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Roles"))
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())
