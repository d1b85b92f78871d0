"""What the linters ask of the schema (`make contract`: Redocly's recommended rules, Spectral's
spectral:oas), checked here too so that a new endpoint that breaks them fails the suite."""

from typing import Any

import pytest
from django.test import Client

from emgtracker.openapi import ANYONE

METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}
# Reads that need a login: your own tokens, the jobs, the webhook subscriptions, co-lead inputs
# and report intakes.
PRIVATE = (
    "/api/v1/tokens/",
    "/api/v1/jobs/",
    "/api/v1/webhooks/",
    "/api/v1/inputs/",
    "/api/v1/intakes/",
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    document: dict[str, Any] = Client().get("/api/schema/?format=json").json()
    return document


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_has_a_summary_and_a_declared_tag(schema: dict[str, Any]) -> None:
    declared = {tag["name"]: tag.get("description") for tag in schema["tags"]}
    assert all(declared.values()), declared
    operations = _operations(schema)
    assert len(operations) > 30
    for method, path, operation in operations:
        assert operation.get("summary"), (method, path)
        assert len(operation["summary"]) <= 50, (method, path)
        assert operation["tags"], (method, path)
        assert set(operation["tags"]) <= set(declared), (method, path)
    # The tag is the resource the path names.
    assert schema["paths"]["/api/v1/workstreams/{slug}/timeline/"]["get"]["tags"] == ["workstreams"]


def test_reads_allow_anonymous_access_and_writes_demand_credentials(
    schema: dict[str, Any],
) -> None:
    assert schema["security"] == ANYONE
    public_reads, writes = [], []
    for method, path, operation in _operations(schema):
        effective = operation.get("security", schema["security"])
        if method == "get" and not path.startswith(PRIVATE):
            # Inherited, not stated: a generated client then takes a client without credentials.
            assert "security" not in operation, path
            assert {} in effective, path
            public_reads.append(path)
        else:
            assert {} not in effective, (method, path)
            assert effective == [{"tokenAuth": []}, {"cookieAuth": []}], (method, path)
            writes.append(path)
    assert "/api/v1/meetings/{meeting_slug}/participants/" in public_reads
    assert "/api/v1/updates/{id}/publish/" in writes
    assert "/api/v1/webhooks/" in writes


def test_the_document_names_its_server_contact_and_licence(schema: dict[str, Any]) -> None:
    # Relative: the docs' "Try it out" calls the site that served them (tests/browser/test_csp.py).
    assert schema["servers"] == [{"url": "/", "description": "This site"}]
    assert schema["info"]["contact"]["name"] == "EMG Secretariat"
    assert schema["info"]["license"]["name"] == "CC BY 4.0"
    assert schema["info"]["license"]["url"].startswith("https://creativecommons.org/")


def _nullable_without_type(node: Any, where: str = "") -> list[str]:
    if isinstance(node, list):
        return [hit for i, item in enumerate(node) for hit in _nullable_without_type(item, where)]
    if not isinstance(node, dict):
        return []
    here = [where] if node.get("nullable") and "type" not in node else []
    return here + [
        hit
        for key, value in node.items()
        for hit in _nullable_without_type(value, f"{where}/{key}")
    ]


def test_a_nullable_reference_says_null_in_a_form_openapi_3_0_allows(
    schema: dict[str, Any],
) -> None:
    assert _nullable_without_type(schema) == []
    components = schema["components"]["schemas"]
    null = {"$ref": "#/components/schemas/NullEnum"}
    assert components["NullEnum"] == {"enum": [None]}
    for component, field in [
        ("Decision", "provenance"),
        ("Proposal", "provenance"),
        ("ProgressUpdate", "provenance"),
        ("TimelineCell", "provenance"),
        ("TimelineCell", "status"),
        ("Workstream", "status_now"),
    ]:
        prop = components[component]["properties"][field]
        assert null in prop["oneOf"], (component, field)
        assert len(prop["oneOf"]) == 2, (component, field)
    # Not nullable stays not nullable: a translated text is its text or every language's.
    assert "oneOf" not in components["Decision"]["properties"]["evidence_reason"]
    assert null not in components["Decision"]["properties"]["text"]["oneOf"]


LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


def test_every_operation_documents_its_language(schema: dict[str, Any]) -> None:
    for method, path, operation in _operations(schema):
        parameters = {(p["in"], p["name"]): p for p in operation.get("parameters", [])}
        assert parameters["query", "lang"]["schema"] == {"type": "string", "enum": LANGUAGES}
        assert ("header", "Accept-Language") in parameters, (method, path)
        for code, response in operation["responses"].items():
            header = response["headers"]["Content-Language"]
            assert header["schema"]["enum"] == LANGUAGES, (method, path, code)
    read = schema["paths"]["/api/v1/workstreams/"]["get"]["parameters"]
    translations = next(p for p in read if p["name"] == "translations")
    assert translations["schema"] == {"type": "string", "enum": ["all"]}


def test_translated_fields_are_text_or_every_language(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    every = {"$ref": "#/components/schemas/AllTranslations"}
    for component, field in [
        ("Workstream", "title"),
        ("Workstream", "description"),
        ("ProgressUpdate", "summary"),
        ("TimelineCell", "next_steps"),
        ("TimelineRow", "title"),
        ("Meeting", "title"),
        ("MandateDecision", "text"),
    ]:
        properties = components[component]["properties"]
        assert every in properties[field]["oneOf"], (component, field)
        assert properties["missing_translations"]["type"] == "array", component
    assert list(components["AllTranslations"]["properties"]) == LANGUAGES
    text = components["TranslationText"]["properties"]
    status = components[text["status"]["allOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert status["enum"] == ["original", "official", "unofficial", "missing"]
    # A write is of the text only.
    assert components["ProgressUpdateRequest"]["properties"]["summary"]["type"] == "string"


def test_every_component_is_used_and_the_renamed_ones_are_there(schema: dict[str, Any]) -> None:
    components = set(schema["components"]["schemas"])
    text = str({key: value for key, value in schema.items() if key != "components"})
    text += str(schema["components"]["schemas"])
    unused = {name for name in components if f"#/components/schemas/{name}'" not in text}
    assert unused == set()
    assert {"ErrorResponse", "TimelineRow", "PaginatedTimelineRowList"} <= components
    assert not {"Error", "MatrixRow", "ProvenanceRequest"} & components


@pytest.mark.django_db
def test_the_error_body_keeps_its_shape_under_the_new_component_name(
    client: Client, schema: dict[str, Any]
) -> None:
    components = schema["components"]["schemas"]
    assert list(components["ErrorResponse"]["properties"]) == ["error"]
    assert list(components["ErrorBody"]["properties"]) == ["status", "code", "message", "fields"]
    response = client.get("/api/v1/workstreams/no-such-workstream/")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": "Not found.",
        }
    }


@pytest.mark.parametrize("path", ["/api/v1/timeline/", "/api/v1/workstreams/", "/api/v1/entities/"])
def test_a_search_longer_than_the_filter_takes_is_outside_the_schema(
    schema: dict[str, Any], path: str
) -> None:
    """The lists refuse a search over 200 characters; the schema says so, so no
    generated client sends one and gets a 400 for a request its schema allowed."""
    (search,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "search"]
    lengths = {option.get("maxLength") for option in search["schema"]["anyOf"]}
    assert lengths == {200, 0}


@pytest.mark.django_db
def test_a_search_over_the_declared_length_is_refused_with_the_reason(client: Client) -> None:
    answer = client.get("/api/v1/timeline/", {"search": "e" * 201})
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["search"]
