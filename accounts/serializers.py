from typing import Any

from knox.settings import knox_settings
from rest_framework import serializers

from accounts.models import ApiToken
from emgtracker.rest import StrictCharField


class JSONIntegerField(serializers.IntegerField):
    """A whole number only as a JSON number: not the text "7", not true."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    """One of the login's API tokens; its key is never shown after it was made."""

    name = StrictCharField(max_length=100, help_text="What the token is for.")
    days = JSONIntegerField(
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


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True,
        help_text="Send it as `Authorization: Token <key>`. Shown only now: store it.",
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
