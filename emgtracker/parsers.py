"""The API's JSON parser, refusing what Python's own would crash on."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Thousands of nested brackets: the decoder recurses once per level.
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from None
