"""What the read-only lists of a region's projects and certificates share: the region the viewer
reads (an authority's, or the whole country), the filters carried from page to page and to the
Excel, one SELECT of columns paged with a bounded count, and the same query streamed into the
workbook through the same rows (the Excel's cells are the page's).

A feature describes its list with a ``RegionList``: the filters it reads, the query of a
region's rows, how a database row becomes a line (what the page and the Excel show) and the
Excel's columns (a title and a line's attribute each); its two views call ``page`` and
``xlsx``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import Response, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.input_boundary import region_arg
from app.list_sorting import Sorting
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.access import viewed_region_or_404
from models.types import TitledEnum

SEARCH_MAX = 100
CHUNK = 1000  # rows read at a time into the Excel
# A province holds thousands: the page counts this far and says "more than" beyond.
COUNT_AT_MOST = 1000


def _as_arg(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "1" if value else ""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class RegionFilters:
    """The filters every region list has; a list's own are the fields of a subclass (with
    defaults), read from the request by its ``from_request``."""

    region: str = ""  # a code prefix inside the viewer's region
    q: str = ""  # the search box

    @staticmethod
    def common(own_prefix: str) -> dict[str, str]:
        """The region and the search as asked: a region outside the viewer's is ignored."""
        return {
            "region": region_arg(own_prefix),
            "q": request.args.get("q", "").strip()[:SEARCH_MAX],
        }

    def given(self) -> dict[str, str]:
        """The filters set, as query arguments for the other pages and the Excel."""
        values = {f.name: _as_arg(getattr(self, f.name)) for f in dataclasses.fields(self)}
        return {key: value for key, value in values.items() if value}


F = TypeVar("F", bound=RegionFilters)


@dataclass(frozen=True)
class Column:
    """A column of the Excel: its title (a lazy string) and the attribute of a line it shows
    (an enum by its title, as the page shows it)."""

    title: Any
    attribute: str


def cells(line: object, columns: Sequence[Column]) -> list[Any]:
    values = (getattr(line, column.attribute) for column in columns)
    return [v.title if isinstance(v, TitledEnum) else v for v in values]


@dataclass(frozen=True)
class RegionList(Generic[F]):
    filters: Callable[[str], F]  # the filters asked for, given the viewer's region prefix
    query: Callable[[str, F], sa.Select]  # the rows of a region ('' for everywhere)
    lines: Callable[[Iterable[Any]], Iterator[object]]
    columns: Sequence[Column]
    sheet: Any  # the sheet's title (a lazy string)
    stem: str  # of the Excel's file name

    sorting: Sorting | None = None  # the columns it sorts by; None: the query's own order

    def _asked(self) -> tuple[str, F, sa.Select, str]:
        prefix = viewed_region_or_404()
        filters = self.filters(prefix)
        query = self.query(prefix, filters)
        sort = self.sorting.asked() if self.sorting else ""
        if self.sorting and sort != self.sorting.default:
            query = self.sorting.apply(query, sort)
        return prefix, filters, query, sort

    def _given(self, filters: F, sort: str) -> dict[str, str]:
        given = filters.given()
        if self.sorting and sort != self.sorting.default:
            given["sort"] = sort
        return given

    def page(self, template: str, **context: Any) -> str:
        prefix, filters, query, sort = self._asked()
        page = paginate(query, rows=True, count_at_most=COUNT_AT_MOST)
        return render_template(
            template,
            page=page,
            lines=list(self.lines(page.items)),
            filters=filters,
            given=self._given(filters, sort),
            sort=sort,
            national=not prefix,
            within=prefix,
            **context,
        )

    def xlsx(self) -> Response | WerkzeugResponse:
        prefix, filters, query, _sort = self._asked()
        return list_xlsx(
            query,
            header=[column.title for column in self.columns],
            rows=lambda rows: (cells(line, self.columns) for line in self.lines(rows)),
            sheet=str(self.sheet),
            title=f"{current_user.organisation.name} — {self.sheet!s}",
            filename=f"{self.stem}-{filters.region or prefix or 'all'}.xlsx",
            scalars=False,
            chunk=CHUNK,
        )
