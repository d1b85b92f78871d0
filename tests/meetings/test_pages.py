"""The meeting pages that read only this app: flat query counts."""

from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("record")

# Query counts: the same at the record's size and with many more rows -----------------------

PAGES = {
    # count, a page of meetings with their counts, the next meeting
    "/meetings/": 3,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, PAGES[url])
