"""HTTP caching of the pages anonymous visitors request most (a certificate's QR code, the
publicity list), and the memo of their rendered pages.

An anonymous visitor's page depends only on the data and the language, so browsers and
proxies may keep it for PUBLIC_PAGE_MAX_AGE seconds and then revalidate it: the ETag is a
digest of the page itself, so a status that changed (a suspension, the expiry date passed)
gives a new tag and the old copy is never served past its age. Signed-in users' pages carry
their actions and forms and are never cached.

Most visitors send no ETag (a phone opening a QR code), so each process also keeps the last
PUBLIC_PAGE_MEMO_SIZE pages it rendered for them, keyed by everything such a page shows — read
from the database on every request, so a change is seen at once: the memo saves the
rendering, never the lookup.

The register's search pages and the announcement's list cost their lookup too (a count of up
to a thousand matches, a page of entries and the batches to filter by), so they are kept whole,
apart, under their data's generation (models/generation.py): one small read tells whether
anything they show has changed since. Apart, so that searches typed at random cannot push the
certificates' pages out of their memo.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from cachetools import LRUCache
from flask import Flask, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.http import generate_etag
from werkzeug.wrappers import Response

from app.clock import local_today
from app.extensions import db
from models import DataGeneration

MEMO_KEY = "certpath.page_memo"
REGISTER_MEMO_KEY = "certpath.register_memo"
Page = TypeVar("Page")


def _visitor_has_state() -> bool:
    """Something of the visitor's own in the session: a flashed message, a chosen language."""
    return bool(session) or session.modified


def anonymous_without_state() -> bool:
    """A visitor whose page is the same as any other's in their language: not signed in, and
    with nothing of their own in the session."""
    return not current_user.is_authenticated and not _visitor_has_state()


@dataclass(frozen=True)
class Tagged:
    """A rendered page with its ETag, digested once for as long as the page is kept."""

    body: str
    etag: str

    @classmethod
    def of(cls, body: str) -> Tagged:
        return cls(body, generate_etag(body.encode()))


def public_cacheable(page: str | Tagged) -> Response:
    if _visitor_has_state():
        # Their page is theirs, and the session cookie it sets must not reach anyone else.
        return make_response(page.body if isinstance(page, Tagged) else page)
    body, etag = (page.body, page.etag) if isinstance(page, Tagged) else (page, None)
    response = current_app.response_class(
        body,
        headers={
            "Cache-Control": f"public, max-age={current_app.config['PUBLIC_PAGE_MAX_AGE']}",
            # The language comes from ?lang=, the session cookie or Accept-Language.
            "Vary": "Cookie, Accept-Language",
        },
    )
    if etag is None:
        response.add_etag()
    else:
        response.set_etag(etag)
    if _CONDITIONS.isdisjoint(request.environ):
        return response  # nothing to compare the page with (most visits): sent whole
    return response.make_conditional(request)


# The request headers that can make the answer a 304, 412 or 206.
_CONDITIONS = frozenset(
    (
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_MATCH",
        "HTTP_IF_UNMODIFIED_SINCE",
        "HTTP_RANGE",
        "HTTP_IF_RANGE",
    )
)


class PageMemo(Generic[Page]):
    """The last pages (or parts of pages) rendered, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._pages: LRUCache[Hashable, Page] = LRUCache(maxsize=max(size, 1))
        self._enabled = size > 0
        self._lock = threading.Lock()  # gthread workers share the process's memo

    def page(
        self,
        key: Hashable,
        render: Callable[[], Page],
        keep: Callable[[], bool] = anonymous_without_state,
    ) -> Page:
        """The page for ``key`` (which must name everything the page shows, the path and
        the language included), rendered by ``render`` when this process has not kept it;
        kept if ``keep()`` says so after rendering (by default: for anonymous visitors whose
        rendering left nothing in the session)."""
        if not self._enabled:
            return render()
        with self._lock:
            body = self._pages.get(key)
        if body is None:
            body = render()
            if keep():
                with self._lock:
                    self._pages[key] = body
        return body

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def read_first(statement: sa.Executable, params: dict[str, Any] | None = None) -> sa.Row | None:
    """The first row of one SELECT, read in autocommit when the request has not begun a
    transaction: BEGIN and COMMIT would be two more round trips, and a connection of its own,
    returned at once, leaves the request's session untouched and nothing for it to commit."""
    db_session = db.session()
    if db_session.in_transaction() or not isinstance(db_session.get_bind(), sa.Engine):
        # A transaction of the request's (or of the tests') stays: read within it.
        return db_session.connection().execute(statement, params).first()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(statement, params).first()


def generation(name: str) -> int | None:
    """The generation ``name`` (models/generation.py), read in autocommit."""
    table = DataGeneration.__table__
    row = read_first(sa.select(table.c.value).where(table.c.name == name))
    return None if row is None else int(row[0])


def kept_under_generation(name: str, render: Callable[[], str]) -> Response | str:
    """An anonymous visitor's page of data whose generation is ``name``: the same for everyone
    asking the same in their language, so kept rendered while the generation has not moved.
    The generation is read before the page: a write committed in between is then kept under
    the old number, and the next visit renders it again."""
    if not anonymous_without_state():
        return render()
    now = generation(name)
    if now is None:  # no row to tell changes by: nothing is kept
        return public_cacheable(render())
    key = (name, request.full_path, str(get_locale()), local_today(), now)
    return public_cacheable(register_memo().page(key, lambda: Tagged.of(render())))


def memo() -> PageMemo[Tagged]:
    memo: PageMemo[Tagged] = current_app.extensions[MEMO_KEY]
    return memo


def register_memo() -> PageMemo[Tagged]:
    memo: PageMemo[Tagged] = current_app.extensions[REGISTER_MEMO_KEY]
    return memo


def init_app(app: Flask) -> None:
    app.extensions[MEMO_KEY] = PageMemo(app.config["PUBLIC_PAGE_MEMO_SIZE"])
    app.extensions[REGISTER_MEMO_KEY] = PageMemo(app.config["REGISTER_PAGE_MEMO_SIZE"])
