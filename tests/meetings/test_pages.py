"""The meeting pages that read only this app: flat query counts."""

from typing import Any

import pytest
from django.test import Client

from tests.factories import grow_record

pytestmark = pytest.mark.usefixtures("record")

# Query counts: the same at the record's size and with many more rows -----------------------

PAGES = {
    # meetings with counts
    "/meetings/": 1,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(client: Client, django_assert_num_queries: Any, url: str) -> None:
    with django_assert_num_queries(PAGES[url]):
        client.get(url)
    grow_record(30)
    with django_assert_num_queries(PAGES[url]):
        client.get(url)
