import pytest

from workstreams.record import record_load


@pytest.fixture
def record(db: None) -> None:
    record_load()
