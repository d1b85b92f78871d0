"""A login's API tokens in the workspace: each user sees, makes and revokes their own."""

import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.settings import knox_settings

from accounts import services
from accounts.models import ApiToken
from emgtracker.users import request_user


class ApiTokenForm(forms.ModelForm[ApiToken]):
    days = forms.IntegerField(
        label=gettext_lazy("Days"),
        min_value=1,
        max_value=knox_settings.TOKEN_TTL.days,
        initial=knox_settings.TOKEN_TTL.days,
        help_text=gettext_lazy("How long the token works."),
    )

    class Meta:
        model = ApiToken
        fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    form = ApiTokenForm
    list_display = ["name", "created", "expiry"]
    ordering = ["-created"]

    def get_list_display(self, request: HttpRequest) -> Any:
        return ["user", *self.list_display] if request.user.is_superuser else self.list_display

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        tokens = super().get_queryset(request).select_related("user")
        if not request.user.is_superuser:
            tokens = tokens.filter(user=request_user(request))
        return tokens.filter(expiry__gt=timezone.now())

    # Any workspace login manages its own tokens; the role groups hold no table permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return self._own(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return self._own(request, obj)

    def _own(self, request: HttpRequest, obj: ApiToken | None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, key = services.api_token_create(
            user=request_user(request),
            name=form.cleaned_data["name"],
            lifetime=datetime.timedelta(days=form.cleaned_data["days"]),
        )
        # The row the service made stands in for the form's, which is never saved.
        obj.pk, obj.user, obj.created, obj.expiry = (
            token.pk,
            token.user,
            token.created,
            token.expiry,
        )
        obj.key = key

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        # The key is shown on this one page, never again: not in a message, which a cookie keeps.
        context = {
            **self.admin_site.each_context(request),
            "title": _("Your new API token"),
            "token": obj,
            "key": obj.key,
            "opts": self.opts,
        }
        return TemplateResponse(request, "accounts/token_created.html", context)
