"""Schemathesis against the live OpenAPI schema: every operation, anonymous and as the secretariat.

Every operation of /api/schema/ is fuzzed in-process through the WSGI application, on the test
database holding the EMG record, and every response must pass all of schemathesis' built-in
checks: no server error, a documented status code and content type, a body that matches the
schema, schema-valid requests accepted and schema-violating ones refused, authentication
enforced where the schema requires it. None is disabled; the one narrowing, of the
schema-valid-request check, is in ``filter_failure`` below, with why.

Generated slugs and ids almost never exist, so the hooks below swap in, half the time, identifiers
from the record: detail endpoints then answer 200 with real bodies to check, filters filter, and
writes get past validation into the editorial services.
"""

import itertools
import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections, models, transaction
from django.db.models import Q
from django.utils import translation
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.settings import api_settings
from schemathesis.core import NOT_SET
from schemathesis.core.failures import Failure
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.generation.meta import TestPhase
from schemathesis.hooks import HookContext
from schemathesis.openapi.checks import RejectedPositiveData

from emgtracker.wsgi import application
from intake.reading import FORMATS, ReportUnreadable, format_of, report_check
from meetings.models import Entity, Meeting, Person
from tests.factories import ProgressUpdateFactory, UserFactory, api_token
from workstreams.models import (
    Decision,
    FrameworkReference,
    ProgressInput,
    ProgressUpdate,
    Proposal,
    Workstream,
    WorkstreamLead,
)

# The schema the application serves, loaded at import. Schemathesis' fixture-based loader
# (schemathesis.pytest.from_fixture) cannot be used: it rewrites ``Node._nodeid``, which
# pytest 9.2 no longer has. Serving the schema reads nothing from the database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

# Bounded so that both runs together stay under two minutes on SQLite. The examples and coverage
# phases add their own deterministic cases (boundaries, missing and malformed parameters,
# unsupported methods) on top of these.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    # In CI the cases are the same on every run, so that a red run is reproduced by the next;
    # everywhere else each run draws new ones and explores further.
    derandomize=os.environ.get("CI") == "true",
    # The fixtures hold no per-example state: each example runs in its own savepoint with an
    # empty cache (see _call).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a parameter or body field names by its slug.
REFERENCES: dict[str, type[models.Model]] = {
    "meeting": Meeting,
    "meeting_slug": Meeting,
    "as_at": Meeting,
    "workstream": Workstream,
    "entity": Entity,
    "lead": Entity,
    "presenter": Person,
    # /api/v1/changes/: the two meetings
    "from": Meeting,
    "to": Meeting,
}
# What a body's list names by slugs; an error names the item (``workstreams.1``).
REFERENCE_LISTS = {"workstreams": "workstream"}
# A detail path's ``slug`` or ``id`` names a row of the resource the path starts with.
RESOURCES: dict[str, type[models.Model]] = {
    "meetings": Meeting,
    "entities": Entity,
    "workstreams": Workstream,
    "decisions": Decision,
    "proposals": Proposal,
    "updates": ProgressUpdate,
    "references": FrameworkReference,
}
TRANSITIONS = ("/submit/", "/publish/", "/return-to-draft/")
ROTATION = itertools.count()

# Identifiers from the test database, by model; filled by the ``known`` fixture, read by the
# hooks while examples are drawn.
KNOWN: dict[type[models.Model], list[Any]] = {}


def _some(model: type[models.Model], field: str, first: list[Any], n: int = 4) -> list[Any]:
    """``first``, then a few more rows of ``model``."""
    rest = model._default_manager.exclude(**{f"{field}__in": first}).order_by(field)
    return [*first, *rest.values_list(field, flat=True)[:n]]


@pytest.fixture
def known(record: None) -> Iterator[None]:
    # The record's updates are all published: a draft and a submitted one let submit and
    # publish succeed too, not only refuse.
    ProgressUpdateFactory.create()
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-human-rights-environment"),
        state=ProgressUpdate.State.SUBMITTED,
    )
    KNOWN.update(
        {
            Meeting: _some(Meeting, "slug", ["som28-mid-term", "som29-senior"]),
            Entity: _some(Entity, "slug", ["unesco", "unep"]),
            Workstream: _some(Workstream, "slug", ["img-biodiversity"]),
            Person: _some(Person, "slug", []),
            Decision: _some(Decision, "pk", []),
            Proposal: _some(Proposal, "pk", []),
            FrameworkReference: _some(
                FrameworkReference, "slug", ["sdg-12", "sdg-14-1", "unep-ea-4-res-19"]
            ),
            ProgressUpdate: list(
                ProgressUpdate.objects.order_by("pk").values_list("pk", flat=True)
            ),
        }
    )
    yield
    KNOWN.clear()


def _path_model(path: str, name: str) -> type[models.Model] | None:
    if name in REFERENCES:
        return REFERENCES[name]
    resource = path.removeprefix("/api/v1/").split("/")[0]
    return RESOURCES.get(resource) if name in ("slug", "id") else None


def _maybe_known(
    value: Any, model: type[models.Model] | None, *, path: bool = False
) -> st.SearchStrategy[Any]:
    """The generated value, or an existing identifier in its place.

    Only a valid value is replaced (a non-empty string for a slug, a positive integer for an id),
    and by another valid one, so that a case schemathesis generated as invalid stays invalid and
    its negative checks stay sound.
    """
    known = _known_like(value, model, path=path)
    if not known:
        return st.just(value)
    return st.one_of(st.just(value), st.sampled_from(known))


def _known_like(value: Any, model: type[models.Model] | None, *, path: bool = False) -> list[Any]:
    """Existing identifiers of ``model`` that may stand in for ``value``: none unless ``value``
    is itself valid. The schema bounds no path parameter, so any string or integer is valid
    there; a body's slugs must not be empty and its version must be at least 1."""
    if isinstance(value, bool):
        valid = False
    elif path:
        valid = isinstance(value, str | int)
    else:
        valid = (isinstance(value, str) and value != "") or (isinstance(value, int) and value >= 1)
    known = KNOWN.get(model, []) if valid and model is not None else []
    return [v for v in known if type(v) is type(value)]


def _mix_known(container: Any, model_for: Any, *, path: bool = False) -> st.SearchStrategy[Any]:
    if not isinstance(container, dict) or not container:
        return st.just(container)
    return st.fixed_dictionaries(
        {name: _maybe_known(value, model_for(name), path=path) for name, value in container.items()}
    )


@schema.hook
def flatmap_path_parameters(context: HookContext, path_parameters: Any) -> st.SearchStrategy[Any]:
    path = context.operation.path if context.operation is not None else ""
    return _mix_known(path_parameters, lambda name: _path_model(path, name), path=True)


@schema.hook
def flatmap_query(context: HookContext, query: Any) -> st.SearchStrategy[Any]:
    return _mix_known(query, REFERENCES.get)


@schema.hook
def flatmap_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
    return _mix_known(body, REFERENCES.get)


def _error(response: Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _update_id(case: Case) -> Any:
    return (case.path_parameters or {}).get("id")


# The cross-reference filters name a reference by its code, or its slug, among those of a kind.
FRAMEWORK_KINDS = {
    "sdg": ["sdg_goal", "sdg_target"],
    "unea": ["unea_resolution"],
    "mea": ["mea_decision"],
}


def _names_no_reference(name: str, value: Any) -> bool:
    text = str(value)
    references = FrameworkReference.objects.filter(kind__in=FRAMEWORK_KINDS[name])
    return "\x00" in text or not references.filter(Q(code=text) | Q(slug=text)).exists()


def _names_no_row(name: str, value: Any) -> bool:
    if name in FRAMEWORK_KINDS:
        return _names_no_reference(name, value)
    model = REFERENCES.get(name)
    if model is None:
        return False
    # A slug with a NUL names no row; PostgreSQL would refuse even to look it up.
    return "\x00" in str(value) or not model._default_manager.filter(slug=str(value)).exists()


def _meetings_out_of_order(sent: dict[str, Any]) -> bool:
    """Whether /api/v1/changes/ names two meetings of the record, the first not before the
    second in the matrix's order: a refusal for the state of the data."""
    found = {m.slug: m for m in Meeting.objects.filter(slug__in=[sent.get("from"), sent.get("to")])}
    start, end = found.get(str(sent.get("from"))), found.get(str(sent.get("to")))
    if start is None or end is None:
        return False
    return start == end or not Meeting.objects.up_to(end).filter(pk=start.pk).exists()


def _is_not_the_current_version(case: Case, value: Any) -> bool:
    stored = ProgressUpdate.objects.filter(pk=_update_id(case)).values_list("version", flat=True)
    return isinstance(value, int) and stored.exists() and stored.get() != value


def _duplicates_an_update(case: Case, sent: dict[str, Any]) -> bool:
    """Whether the update would share its workstream and meeting with another one."""
    pk = _update_id(case)
    stored = ProgressUpdate.objects.filter(pk=pk).values("workstream__slug", "meeting__slug")
    current: Mapping[str, object] = stored.first() or {}
    workstream = sent.get("workstream", current.get("workstream__slug"))
    meeting = sent.get("meeting", current.get("meeting__slug"))
    if "\x00" in f"{workstream}{meeting}":
        return False  # names no row, so duplicates none
    others = ProgressUpdate.objects.exclude(pk=pk) if pk is not None else ProgressUpdate.objects
    return others.filter(workstream__slug=workstream, meeting__slug=meeting).exists()


def _refuses_an_input_for_the_data(error: dict[str, Any], sent: dict[str, Any]) -> bool:
    """Whether /api/v1/inputs/ refused for the state of the data, checked against the database:
    an entity that does not lead the workstream (or none named by the secretariat), a second
    input of an entity, nothing submitted to merge, an update already published."""
    workstream, meeting, entity = sent.get("workstream"), sent.get("meeting"), sent.get("entity")
    if "\x00" in f"{workstream}{meeting}{entity}":
        return False  # names no row; refused as such above
    inputs = ProgressInput.objects.filter(workstream__slug=workstream, meeting__slug=meeting)
    code, fields = error.get("code"), error.get("fields") or {}
    if code == "nothing_to_merge":
        return not inputs.filter(state="submitted", merged_into__isnull=True).exists()
    if code == "update_published":
        updates = ProgressUpdate.objects.published()
        return updates.filter(workstream__slug=workstream, meeting__slug=meeting).exists()
    if code == "duplicate_input":
        return inputs.exists()
    leads = WorkstreamLead.objects.filter(workstream__slug=workstream, entity__slug=entity)
    return set(fields) == {"entity"} and (entity is None or not leads.exists())


def _refuses_a_file_that_is_no_report(case: Case, response: Response) -> bool:
    """Whether /api/v1/intakes/ refused the uploaded file for what it holds or is named, which a
    schema states only as "binary": checked by reading the same bytes with the intake's reader,
    in the language the answer is in (a name other than .docx, .pdf or .txt is refused by the
    name alone)."""
    fields = _error(response).get("fields") or {}
    if case.path != "/api/v1/intakes/" or "file" not in fields:
        return False
    sent = case.body.get("file") if isinstance(case.body, dict) else None
    data = sent.encode() if isinstance(sent, str) else sent
    if not isinstance(data, bytes):
        return False
    if not data:
        # Django's parser drops an empty file part: "No file was submitted." An empty file is no
        # report, whichever message says so.
        return True
    language = next(
        (
            values[0]
            for name, values in response.headers.items()
            if name.lower() == "content-language"
        ),
        "en",
    )
    with translation.override(language):
        reader_says = set()
        for file_format in FORMATS:
            try:
                report_check(data, file_format)
            except ReportUnreadable as refused:
                reader_says.add(str(refused))
        try:
            format_of("\x00")
        except ReportUnreadable as refused:
            # The message for a name the reader does not take, whatever the name.
            named = re.compile(re.escape(str(refused)).replace(re.escape("\x00"), ".*"))
    return all(message in reader_says or named.fullmatch(message) for message in fields["file"])


def _refused_for_what_no_schema_says(case: Case, response: Response) -> bool:
    """Whether a 400 refuses a schema-valid request only for the state of the data, checked here
    against the database: a slug that names no row, a version that is not the update's current
    one, a second update for the same workstream and meeting, a workflow step the update's
    state does not allow, a null character (which Django refuses in any text), or an uploaded
    file that is no report."""
    error = _error(response)
    if error.get("code") == "invalid_transition":
        return case.path.endswith(TRANSITIONS)
    body = case.body if isinstance(case.body, dict) else {}
    if case.path.startswith("/api/v1/inputs/") and _refuses_an_input_for_the_data(error, body):
        return True
    fields = error.get("fields")
    if response.status_code != 400 or not isinstance(fields, dict) or not fields:
        return False
    sent = {**case.query, **(case.body if isinstance(case.body, dict) else {})}

    def data_dependent(name: str) -> bool:
        value = sent.get(name)
        if name == api_settings.NON_FIELD_ERRORS_KEY or name == "__all__":
            return _duplicates_an_update(case, sent)
        if name == "version":
            return _is_not_the_current_version(case, value)
        if name == "file":
            return _refuses_a_file_that_is_no_report(case, response)
        if name in ("from", "to") and _meetings_out_of_order(sent):
            return True
        listed, _, index = name.partition(".")
        if listed in REFERENCE_LISTS and index.isdigit():
            items = sent.get(listed)
            return (
                isinstance(items, list)
                and int(index) < len(items)
                and _names_no_row(REFERENCE_LISTS[listed], items[int(index)])
            )
        return _names_no_row(name, value) or (isinstance(value, str) and "\x00" in value)

    return all(data_dependent(name) for name in fields)


@schema.hook
def filter_failure(context: HookContext, failure: Failure, case: Case, response: Response) -> bool:
    # positive_data_acceptance fails a schema-valid request that gets a 4xx other than 401, 403,
    # 404 or 409. Some requests are refused for the state of the data, which no schema can
    # describe: a filter or a body naming a meeting that does not exist, an update already
    # published, a stale version. This API refuses those with 400, as DRF does, so a failure of
    # that check is dropped when the refusal is of that kind, verified against the database
    # (see above). Every other schema-valid request refused still fails it: a parameter bound
    # the schema does not state, a field the schema calls optional that the API requires.
    if isinstance(failure, RejectedPositiveData):
        return not _refused_for_what_no_schema_says(case, response)
    return True


@pytest.fixture
def _in_process() -> Iterator[None]:
    # Django closes "old" connections when a request starts and finishes. In-process, that
    # connection holds the test's transaction, so it must stay open (Django's test Client
    # disconnects these handlers for the same reason).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _aim_coverage_at_known_rows(case: Case) -> None:
    """Point a coverage-phase case at an existing row, unless its path is what it tests.

    The coverage phase's cases are built when the tests are collected, before there is a
    database, so the hooks above cannot reach them: without this, every body and query it
    derives for a detail or a write would only ever meet a 404. A coverage case varies one
    location at a time, so when that is not the path, its path parameters are valid defaults
    (sent as text, "0"), and an existing identifier keeps them valid.
    """
    meta = case.meta
    if meta is None or meta.phase.name != TestPhase.COVERAGE or not case.path_parameters:
        return
    if getattr(meta.phase.data, "parameter_location", None) == ParameterLocation.PATH:
        return
    aimed = {}
    for name, value in case.path_parameters.items():
        model = _path_model(case.operation.path, name)
        known = KNOWN.get(model, []) if model is not None else []
        # Rotate, so that the cases of one operation meet rows in every state (a draft, a
        # submitted and a published update).
        chosen = known[next(ROTATION) % len(known)] if known else value
        aimed[name] = str(chosen) if isinstance(value, str) else chosen
    case.path_parameters = aimed


def _call(case: Case, **kwargs: Any) -> Response:
    # A fresh throttle count for each example, as a new client would have: otherwise 429s would
    # hide whatever is fuzzed after the first 120 requests. Each example's writes roll back, so
    # every example starts from the record and the known ids keep their editorial state.
    cache.clear()
    # Its WSGI transport hands over the body as sent; an HTTP client would un-gzip it.
    kwargs["headers"] = {"Accept-Encoding": "identity", **kwargs.get("headers", {})}
    with transaction.atomic():
        response = case.call_and_validate(**kwargs)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def secretariat(record: None) -> dict[str, str]:
    """Headers of a secretariat login, which may do every write."""
    return {"Authorization": f"Token {api_token(UserFactory.create(role='secretariat'))}"}


@pytest.mark.usefixtures("known", "_in_process")
@schema.parametrize()
@FUZZ
def test_anonymous(case: Case) -> None:
    _aim_coverage_at_known_rows(case)
    _call(case)


@pytest.mark.usefixtures("known", "_in_process")
@schema.parametrize()
@FUZZ
def test_secretariat(case: Case, secretariat: dict[str, str]) -> None:
    _aim_coverage_at_known_rows(case)
    _call(case, headers=secretariat)


@pytest.mark.usefixtures("known", "_in_process")
def test_every_detail_answers_for_a_known_identifier(secretariat: dict[str, str]) -> None:
    """Every GET with path parameters, with the record's identifiers, passes every check.

    The fuzzing reaches these too, but by chance; this makes sure each one is checked.
    """
    checked = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        if operation.method.upper() != "GET" or not operation.path_parameters:
            continue
        names = [parameter.name for parameter in operation.path_parameters]
        models_ = [_path_model(operation.path, name) for name in names]
        known = {
            name: KNOWN[model][0]
            for name, model in zip(names, models_, strict=True)
            if model is not None and model in KNOWN
        }
        if len(known) < len(names):
            continue  # e.g. a job, of which the record has none
        for headers in ({}, secretariat):
            case = operation.Case(path_parameters=known)
            response = _call(case, headers=headers)
            assert response.status_code == 200, (operation.label, response.content[:300])
        checked.append(operation.path)
    assert {
        "/api/v1/meetings/{slug}/",
        "/api/v1/meetings/{meeting_slug}/participants/",
        "/api/v1/entities/{slug}/",
        "/api/v1/workstreams/{slug}/",
        "/api/v1/workstreams/{slug}/timeline/",
        "/api/v1/decisions/{id}/",
        "/api/v1/proposals/{id}/",
        "/api/v1/updates/{id}/",
    } <= set(checked)


@pytest.mark.usefixtures("known", "_in_process")
def test_every_write_succeeds_as_documented(secretariat: dict[str, str]) -> None:
    """Each write's success, whose body the fuzzing rarely reaches, passes every check."""
    draft = ProgressUpdate.objects.get(state=ProgressUpdate.State.DRAFT)
    submitted = ProgressUpdate.objects.get(state=ProgressUpdate.State.SUBMITTED)
    published = ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED).first()
    assert published is not None
    new = {
        "workstream": "img-biodiversity",
        "meeting": "som29-technical",
        "status": "active",
        "summary": "Guidance on nature-positive operations agreed.",
    }
    writes: list[tuple[str, str, int | None, dict[str, Any] | None, int]] = [
        ("/api/v1/updates/", "POST", None, new, 201),
        ("/api/v1/updates/{id}/", "PATCH", draft.pk, {"summary": "Edited.", "version": 1}, 200),
        ("/api/v1/updates/{id}/", "PUT", draft.pk, {**new, "version": 1}, 200),
        ("/api/v1/updates/{id}/submit/", "POST", draft.pk, None, 200),
        ("/api/v1/updates/{id}/publish/", "POST", submitted.pk, None, 200),
        ("/api/v1/updates/{id}/return-to-draft/", "POST", published.pk, {"reason": "Why."}, 200),
    ]
    for path, method, pk, body, status in writes:
        case = schema[path][method].Case(
            path_parameters={"id": pk} if pk is not None else None,
            body=body if body is not None else NOT_SET,
            media_type="application/json" if body is not None else None,
        )
        response = _call(case, headers=secretariat)
        assert response.status_code == status, (method, path, response.content[:300])
