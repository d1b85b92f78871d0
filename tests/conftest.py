from typing import Any

import pytest
from django.contrib.auth.models import Group

from workstreams.permissions import ROLES
from workstreams.record import record_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the EMG record once into the test database; each test's changes roll back."""
    with django_db_blocker.unblock():
        record_load()


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
    record_load()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # A real hasher costs a third of a second a login; the tests make hundreds of logins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
