"""Every list pages the same way: ITEMS_PER_PAGE rows, the page number read within bounds.

A list over a table that grows without end (the public register) asks for a bounded count
with ``paginate(query, count_at_most=n)``: the page then counts at most n matching rows (a LIMITed
subquery, never the whole table) and says "more than n" beyond; whether a next page exists
is read from one row fetched past the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination, SelectPagination

from app.extensions import db
from app.input_boundary import page_arg


@dataclass(frozen=True)
class BoundedPage:
    """One page of a list whose count stops at ``limit``: ``total`` is exact unless
    ``capped`` (more than ``limit`` rows; ``total`` is then ``limit``). Reads like
    Flask-SQLAlchemy's Pagination for the pager (``pages`` is then the pages known so far)."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    capped: bool
    has_next: bool
    limit: int

    @property
    def pages(self) -> int:
        known = math.ceil(self.total / self.per_page)
        return max(known, self.page + 1) if self.has_next else max(known, self.page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def _written(number: int) -> sa.ColumnElement[int]:
    """A LIMIT or OFFSET written into the statement: the plan for 26 rows differs from the
    plan for all of them, and a prepared statement's generic plan would not know which."""
    return sa.literal(number, sa.Integer, literal_execute=True)


def bounded_count(query: sa.Select[Any], limit: int) -> int:
    """How many rows ``query`` gives, counting no further than ``limit + 1``:
    ``SELECT count(*) FROM (… LIMIT limit + 1)``."""
    rows = query.options(sa.orm.lazyload("*")).order_by(None).limit(_written(limit + 1))
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows.subquery())) or 0


def _bounded_page(
    query: sa.Select[Any], limit: int, per_page: int, *, rows_wanted: bool = False
) -> BoundedPage:
    page = page_arg()
    paged = query.limit(_written(per_page + 1)).offset(_written((page - 1) * per_page))
    rows = (
        list(db.session.execute(paged).all())
        if rows_wanted
        else list(db.session.scalars(paged).unique())
    )
    items, has_next = rows[:per_page], len(rows) > per_page
    # Everything on the first page: nothing more to count.
    counted = len(items) if page == 1 and not has_next else bounded_count(query, limit)
    return BoundedPage(
        items=items,
        page=page,
        per_page=per_page,
        total=min(counted, limit),
        capped=counted > limit,
        has_next=has_next,
        limit=limit,
    )


class _RowPagination(SelectPagination):
    """Pages of a query of columns: its items are rows, not the first column of each."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"]
        select = select.limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate(
    query: sa.Select[Any],
    per_page: int | None = None,
    count_at_most: int | None = None,
    *,
    rows: bool = False,
) -> Pagination | BoundedPage:
    """One page of ``query`` (ITEMS_PER_PAGE rows unless ``per_page`` says otherwise), its
    total counted exactly or, with ``count_at_most``, no further than that (BoundedPage); a
    page number that does not parse or is absurd shows page 1 (Flask-SQLAlchemy would turn it
    into an offset the database cannot hold). ``rows``: the query selects columns, and the
    page's items are its rows."""
    per_page = per_page or current_app.config["ITEMS_PER_PAGE"]
    if count_at_most is not None:
        return _bounded_page(query, count_at_most, per_page, rows_wanted=rows)
    if rows:
        return _RowPagination(
            select=query, session=db.session(), page=page_arg(), per_page=per_page, error_out=False
        )
    return db.paginate(query, page=page_arg(), per_page=per_page, error_out=False)
