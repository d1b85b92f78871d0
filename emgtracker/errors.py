"""The one shape of every error the API answers, and of the JSON 503 and 429 outside it:
``{"error": {"status", "code", "message", "fields"?}}`` (docs/api.md)."""

from typing import Any


def error_body(status: int, code: str, message: str, fields: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}
