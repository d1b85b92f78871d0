import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.db import connection
from django.utils import translation

from emgtracker.celery import app as celery_app
from emgtracker.throttling import cache as throttle_cache
from meetings.models import AgendaItem, Meeting
from meetings.models.translated import language_columns
from tests.factories import grow_record
from workstreams.management.report_loader import reports_load
from workstreams.models import Decision, ProgressUpdate, Workstream
from workstreams.permissions import ROLES


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-vendor",
        default="",
        help="Refuse to run unless the tests' database is this one (postgresql, sqlite): CI "
        "says which database each pass means, so that a lost DATABASE_URL cannot pass unseen.",
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    expected = session.config.getoption("--database-vendor")
    if expected and connection.vendor != expected:
        raise pytest.UsageError(
            f"This run is meant for {expected}, but the tests' database is {connection.vendor}: "
            "is DATABASE_URL set where pytest runs?"
        )


def pytest_configure(config: pytest.Config) -> None:
    """Parallel workers on Redis need a database each (tests/xdist_redis.py)."""
    if (
        os.environ.get("PYTEST_XDIST_WORKER")
        and os.environ.get("REDIS_URL")
        and not config.pluginmanager.has_plugin("tests.xdist_redis")
    ):
        raise pytest.UsageError(
            "Parallel tests on Redis share its databases: run them with "
            "`python -m pytest -p tests.xdist_redis -n N` (as `make test` does)."
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the EMG record once into the test database; each test's changes roll back."""
    with django_db_blocker.unblock():
        reports_load()


@pytest.fixture
def record(db: None) -> None:
    """The EMG record, as loaded by ``load_emg_record``."""


@pytest.fixture
def live_record(transactional_db: None) -> None:
    """The EMG record for a test whose server runs in another thread, outside its transaction.

    A transactional test empties the database when it ends, so each loads the record again,
    and the role groups the migrations made.
    """
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    reports_load()


@pytest.fixture(autouse=True)
def record_cache_off(request: pytest.FixtureRequest, settings: Any) -> None:
    """The shared cache of anonymous reads is off but where a test asks for ``record_cache``:
    tests write rows with factories, which no service writes and no version marks, and in a
    test's transaction no commit ever mirrors the version (tests/test_caching.py)."""
    if "record_cache" not in request.fixturenames:
        settings.CACHE_RECORD_ANSWERS = False


@pytest.fixture
def record_cache(settings: Any) -> Iterator[None]:
    """The shared cache of anonymous reads on, and empty."""
    settings.CACHE_RECORD_ANSWERS = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def throttle_counts_start_at_zero() -> None:
    """Each test's clients start with nothing counted against the API's rates: the requests of
    earlier tests, or of an earlier run within the minute (Redis keeps them), are not theirs.
    Only the throttles' keys go; the broker's queues in the same Redis stay."""
    shared = caches["throttle"]
    if hasattr(shared, "delete_pattern"):  # django-redis
        shared.delete_pattern("throttle_*")
    else:
        shared.clear()
    throttle_cache.local.clear()


@pytest.fixture(autouse=True)
def language_starts_english() -> Iterator[None]:
    """Each test starts in the site's default language, and leaves it so: a request through the
    test client activates its language in the thread and leaves it active after the answer, as
    a server's next request would not see."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # A real hasher costs a third of a second a login; the tests make hundreds of logins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Files a test writes (briefing packs) land in its own folder."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture(autouse=True)
def celery_eager(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process, as on the embedded default, unless the test starts a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = "celery_worker" not in request.fixturenames
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker(live_record: None, media_root: Path, tmp_path: Path) -> Iterator[Path]:
    """A real Celery worker process on Redis, working on this test's database.

    The worker is another process, so the test's rows must be committed (``live_record``) and
    the database must be a server both can reach: this runs with PostgreSQL and Redis, as CI's
    first run does. Yields the worker's log file.
    """
    database = connection.settings_dict
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("A real worker needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL).")
    celery_app.control.purge()
    log = tmp_path / "worker.log"
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media_root)}
    command = [sys.executable, "-m", "celery", "-A", "emgtracker", "worker", "--pool=solo"]
    command += ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("w") as out:
        worker = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield log
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def wait_for(condition: Any, *, timeout: float = 60, what: str = "the worker") -> None:
    """Poll ``condition()`` until it is true; fail, saying what was awaited, after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {timeout}s for {what}.")
        time.sleep(0.25)


@pytest.fixture
def assert_flat_query_count(client: Any, django_assert_num_queries: Any) -> Any:
    """Check that ``client.get(url, **headers)`` makes ``expected`` queries at the record's size
    and again after thirty more of everything (``grow_record``), so that an N+1 would show."""

    def check(url: str, expected: int, **headers: Any) -> None:
        with django_assert_num_queries(expected):
            client.get(url, **headers)
        grow_record(30)
        with django_assert_num_queries(expected):
            client.get(url, **headers)

    return check


@pytest.fixture
def untranslated(record: None) -> None:
    """The record as it stood before anyone translated it: its own unofficial translations
    taken out, so that each test says which translations there are."""
    for model in (Workstream, Meeting, AgendaItem, ProgressUpdate, Decision):
        others = [c for c in language_columns(*model.TRANSLATED_FIELDS) if not c.endswith("_en")]
        model._default_manager.update(translation_status={}, **dict.fromkeys(others))
