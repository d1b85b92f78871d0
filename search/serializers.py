from typing import Any

from rest_framework import serializers

from search.models import SearchKind


class SearchHitSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=SearchKind.choices)
    kind_label = serializers.CharField(help_text="The kind, in the reader's language.")
    title = serializers.CharField()
    url = serializers.CharField(
        help_text="The page that shows it; empty for a person with no entity."
    )
    title_html = serializers.CharField(
        help_text="The title, HTML-escaped, the matched words in <mark>."
    )
    body_html = serializers.CharField(
        help_text="The part of the text that matched, HTML-escaped, the matched words in <mark>."
    )
