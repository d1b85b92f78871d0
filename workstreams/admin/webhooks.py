"""Webhook subscriptions and their deliveries."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delivery.interface import (
    URL_MAX_LENGTH,
    webhook_events_clean,
    webhook_message_id,
    webhook_secret_generate,
    webhook_subscription_resume,
    webhook_subscription_save,
)
from emgtracker.admin import ReadOnly, RulesModelAdmin, RulesTabularInline
from emgtracker.users import request_user
from workstreams.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from workstreams.permissions import webhook_subscriptions_visible_to


class WebhookSubscriptionForm(forms.ModelForm[WebhookSubscription]):
    url = forms.CharField(
        label=_("URL"),
        max_length=URL_MAX_LENGTH,
        help_text=_("Called with a POST for each event; redirects are not followed."),
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        required=False,
        strip=False,
        max_length=150,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "whsec_ followed by the base64 of 24 to 64 random bytes (the Standard Webhooks "
            "form). Leave it empty to keep the secret, or, for a new subscription, to have one "
            "generated and shown once."
        ),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "events", "workstreams", "active", "secret"]

    def clean_events(self) -> list[str]:
        return webhook_events_clean(self.cleaned_data["events"])

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data["secret"]
        if secret:
            return secret  # checked by the model's validation, as the URL is
        if self.instance.pk is not None:
            return self.instance.secret
        secret = self.generated_secret = webhook_secret_generate()
        return secret


class PausedFilter(admin.SimpleListFilter):
    title = _("paused")
    parameter_name = "paused"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(paused_at__isnull=self.value() == "no")
        return queryset


RECENT_DELIVERIES = 20


class RecentDeliveryInline(ReadOnly, RulesTabularInline[WebhookDelivery]):
    model = WebhookDelivery
    fields = ("event", "state", "attempts", "response_code", "last_error", "created_at")
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    show_change_link = True
    max_num = 0
    can_delete = False
    verbose_name_plural = _("recent deliveries")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        # The latest few of each subscription: the inline filters by subscription afterwards,
        # which a sliced queryset would not allow.
        latest = WebhookDelivery.objects.filter(subscription=OuterRef("subscription")).order_by(
            "-created_at", "-pk"
        )
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=Subquery(latest.values("pk")[:RECENT_DELIVERIES]))
        )


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(RulesModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["url", "owner", "event_list", "active", "paused", "consecutive_failures"]
    list_filter = ["active", PausedFilter]
    list_select_related = ["owner"]
    search_fields = ["url", "owner__username"]
    readonly_fields = ["owner", "consecutive_failures", "paused_at", "created_at"]
    fields = ["url", "events", "workstreams", "active", "secret", "owner"]
    fields += ["consecutive_failures", "paused_at", "created_at"]
    filter_horizontal = ["workstreams"]
    inlines = [RecentDeliveryInline]
    actions = ["resume"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookSubscription]:
        visible = webhook_subscriptions_visible_to(request.user)
        subscriptions: QuerySet[WebhookSubscription] = super().get_queryset(request)
        return subscriptions.filter(pk__in=visible.values("pk"))

    @admin.display(description=_("Events"))
    def event_list(self, subscription: WebhookSubscription) -> str:
        events = subscription.events if isinstance(subscription.events, list) else []
        return ", ".join(str(e) for e in events)

    @admin.display(description=_("Paused"), boolean=True, ordering="paused_at")
    def paused(self, subscription: WebhookSubscription) -> bool:
        return subscription.paused_at is not None

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        if not change:
            obj.owner = request_user(request)
        webhook_subscription_save(subscription=obj, workstreams=form.cleaned_data["workstreams"])
        generated = getattr(form, "generated_secret", None)
        if generated:
            self.message_user(
                request,
                _("The subscription's secret is %(secret)s. Copy it now: it is not shown again.")
                % {"secret": generated},
                messages.WARNING,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The workstreams were written by the service in save_model; the inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Resume"), permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        paused = list(queryset.filter(paused_at__isnull=False))
        for subscription in paused:
            webhook_subscription_resume(subscription=subscription)
        self.message_user(
            request,
            ngettext(
                "%(count)d subscription resumed.", "%(count)d subscriptions resumed.", len(paused)
            )
            % {"count": len(paused)},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly, RulesModelAdmin):
    """Every delivery and its latest outcome, to read: they are written only by the workers."""

    list_display = [
        "__str__",
        "event",
        "state",
        "attempts",
        "response_code",
        "created_at",
        "last_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "event"]
    list_select_related = ["subscription"]
    search_fields = ["subscription__url"]
    date_hierarchy = "created_at"
    fields = ["subscription", *WebhookDelivery.SHOWN_FIELDS]
    readonly_fields = fields

    @admin.display(description=_("webhook-id"))
    def webhook_id(self, delivery: WebhookDelivery) -> str:
        return webhook_message_id(delivery)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        visible = webhook_subscriptions_visible_to(request.user)
        deliveries: QuerySet[WebhookDelivery] = super().get_queryset(request)
        return deliveries.filter(subscription__in=visible.values("pk"))
