"""The API contract from a consumer's side: a Python client generated from the schema
(openapi-python-client), as a consumer would generate it, reads every list without credentials
from a live server. `make contract` runs this after linting the schema (docs/api.md).

The schema is the file ``make contract`` wrote and linted (``CONTRACT_SCHEMA``), or, when this
file runs on its own, the one ``manage.py spectacular`` writes here.
"""

import importlib
import inspect
import os
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.core.management import call_command

PACKAGE = "emg_tracker_client"
MEETING = "som28-mid-term"  # the meeting whose list of participants the record holds
WORKSTREAM = "img-biodiversity"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated client's package, importable while this module's tests run."""
    folder = tmp_path_factory.mktemp("contract")
    schema = os.environ.get("CONTRACT_SCHEMA") or str(folder / "schema.yaml")
    if "CONTRACT_SCHEMA" not in os.environ:
        call_command("spectacular", "--file", schema, "--validate", "--fail-on-warn")
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [
            bin_dir / "openapi-python-client",
            "generate",
            "--path",
            schema,
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        check=True,
        capture_output=True,
        # It formats what it writes with ruff, found on the PATH.
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _operation(generated: ModuleType, tag: str, operation_id: str) -> Any:
    return importlib.import_module(f"{generated.__name__}.api.{tag}.{operation_id}")


def _clients_taken(operation: Any) -> set[type]:
    """The client classes the generated function's ``client`` parameter is typed to take."""
    annotation = inspect.signature(operation.sync).parameters["client"].annotation
    return set(typing.get_args(annotation)) or {annotation}


# Every list a reader may read: (tag, operation id, path parameters).
LISTS = [
    ("meetings", "v1_meetings_list", {}),
    ("meetings", "v1_meetings_participants_list", {"meeting_slug": MEETING}),
    ("entities", "v1_entities_list", {}),
    ("workstreams", "v1_workstreams_list", {}),
    ("workstreams", "v1_workstreams_timeline_list", {"slug": WORKSTREAM}),
    ("timeline", "v1_timeline_list", {}),
    ("updates", "v1_updates_list", {}),
    ("decisions", "v1_decisions_list", {}),
    ("proposals", "v1_proposals_list", {}),
    ("search", "v1_search_list", {"q": "Kariuki"}),
]


@pytest.mark.usefixtures("live_record")
def test_a_generated_client_reads_every_list_without_credentials(
    generated: ModuleType, live_server: Any
) -> None:
    client = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    for tag, operation_id, parameters in LISTS:
        operation = _operation(generated, tag, operation_id)
        # The generated function takes a client without credentials: its type says so.
        assert generated.Client in _clients_taken(operation), operation_id
        answer = operation.sync_detailed(client=client, **parameters)
        assert answer.status_code == 200, (operation_id, answer.content[:300])
        parsed = answer.parsed
        rows = parsed if isinstance(parsed, list) else parsed.results
        assert rows, operation_id
        # Read into the generated models, not left as loose dictionaries.
        assert type(rows[0]).__module__.startswith(f"{generated.__name__}.models."), operation_id
    workstreams = _operation(generated, "workstreams", "v1_workstreams_list").sync(client=client)
    assert workstreams.count == len(workstreams.results) > 10
    biodiversity = next(w for w in workstreams.results if w.slug == WORKSTREAM)
    assert biodiversity.status_now == generated.models.StatusEnum.ACTIVE


@pytest.mark.usefixtures("live_record")
def test_writes_still_need_credentials_and_errors_parse(
    generated: ModuleType, live_server: Any
) -> None:
    create = _operation(generated, "updates", "v1_updates_create")
    assert _clients_taken(create) == {generated.AuthenticatedClient}
    # Called anyway without credentials: refused, in the API's one error shape, which the
    # client reads as its ErrorResponse model.
    client = generated.Client(base_url=live_server.url)
    body = generated.models.ProgressUpdateRequest(
        workstream=WORKSTREAM,
        meeting="som29-technical",
        status=generated.models.StatusEnum.ACTIVE,
        summary="Guidance agreed.",
    )
    answer = create.sync_detailed(client=client, body=body)
    assert answer.status_code == 401
    assert isinstance(answer.parsed, generated.models.ErrorResponse)
    assert answer.parsed.error.code == "not_authenticated"
