"""A long list on an HTML page, a page at a time: the rows of one page and the address of the
others, which ``templates/includes/pagination.html`` shows as links.

Every page that lists rows that grow with the record uses it (the workstreams, the meetings,
the entities, the sections of a meeting's and of an entity's page), so that no page reads every
row. A page with several lists pages each by its own parameter (``?participants=2``), keeping
the others. A page number that is not one lands on the nearest real page: not a number, zero
or below, the first; past the end, the last. None is an error.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class PageLink:
    """A link to a page of the list; ``number`` None for the gap between far-apart pages."""

    number: int | None
    href: str
    current: bool = False


@dataclass(frozen=True)
class Paged(Generic[M]):
    """One page of a list: its rows, how many the whole list holds, and the links to the rest."""

    page: Page[M]
    rows: list[M]
    links: list[PageLink]
    previous: str
    next: str

    @property
    def count(self) -> int:
        return self.page.paginator.count


class _Counted(Paginator[M]):
    """A paginator told its count, by a count already made or kept: one query fewer."""

    def __init__(self, rows: QuerySet[M], per_page: int, count: int) -> None:
        super().__init__(rows, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def paged(
    request: HttpRequest,
    rows: QuerySet[M],
    *,
    per_page: int,
    param: str = "page",
    anchor: str = "",
    count: int | None = None,
) -> Paged[M]:
    """The page of ``rows`` that ``request`` asks for by ``param``, with the links to the others.

    Each link keeps the request's other parameters and ends with ``#anchor``, where the list
    is on the page. ``count``, if given, is the number of rows, so that they are not counted
    again.
    """
    paginator = (
        Paginator(rows, per_page) if count is None else _Counted(rows, per_page, count=count)
    )
    page = paginator.get_page(_number(request.GET.get(param, "")))

    def href(number: int) -> str:
        query = request.GET.copy()
        query.pop(param, None)
        if number > 1:
            query[param] = str(number)
        encoded = query.urlencode()
        return request.path + (f"?{encoded}" if encoded else "") + (f"#{anchor}" if anchor else "")

    links = [
        PageLink(n, href(n), n == page.number) if isinstance(n, int) else PageLink(None, "")
        for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Paged(
        page=page,
        # Read here, even when the count says there are none (the paginator would not ask):
        # a page makes as many queries with an empty list as with a full one.
        rows=list(rows[(page.number - 1) * per_page : page.number * per_page]),
        links=links if page.has_other_pages() else [],
        previous=href(page.previous_page_number()) if page.has_previous() else "",
        next=href(page.next_page_number()) if page.has_next() else "",
    )


def _number(asked: str) -> int | str:
    """Zero or below is the first page, the nearest: ``get_page`` would give the last. What is
    not a number it takes for the first."""
    try:
        return max(int(asked), 1)
    except ValueError:
        return asked
