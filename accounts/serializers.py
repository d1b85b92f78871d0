from typing import Any

from django.utils.translation import gettext_lazy
from knox.settings import knox_settings
from rest_framework import serializers

from accounts.models import ApiToken
from emgtracker.api import StrictCharField


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of the login's API tokens; its key is never shown after it was made."""

    name = StrictCharField(max_length=100, help_text="What the token is for.")
    days = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=1,
        max_value=knox_settings.TOKEN_TTL.days,
        help_text="How many days the token works; the most, unless told.",
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "expiry", "days"]
        read_only_fields = ["id", "created", "expiry"]

    def validate_days(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise serializers.ValidationError(gettext_lazy("A whole number of days."))
        return value


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True,
        help_text="Send it as `Authorization: Token <key>`. Shown only now: store it.",
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
