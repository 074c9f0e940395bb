"""One id per request and per scheduler job run, in every log line they write and on the mail
they queue: an operator follows a complaint ("the email never came") from the proxy's log to
the node that answered, the outbox row and the dispatcher's attempt.

Behind a trusted proxy (``TRUSTED_PROXIES``) the proxy's ``X-Request-ID`` is kept (nginx:
``proxy_set_header X-Request-ID $request_id``), so its access log and ours share the id;
otherwise, or when the header is not a plain token, a new one is drawn. The response says
which id it was given, and — with ``NODE_ID`` set — which node answered (``X-Certpath-Node``).
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
NODE_HEADER = "X-Certpath-Node"
# What a proxy's id may look like: nginx's $request_id is 32 hex digits; others use UUIDs.
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("certpath_request_id", default="")


def current() -> str:
    """The id of the request or job run in progress ('' outside both)."""
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(value: str) -> Iterator[str]:
    """Run the block under ``value`` (a job run's id)."""
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def init_app(app: Flask) -> None:
    trust_proxy = bool(app.config["TRUSTED_PROXIES"])
    node = app.config["NODE_ID"]

    @app.before_request
    def _take_or_draw() -> None:
        offered = request.headers.get(HEADER, "")
        value = offered if trust_proxy and _TOKEN.fullmatch(offered) else new_id()
        g.request_id_token = _current.set(value)

    @app.after_request
    def _tell(response: Response) -> Response:
        if current():
            response.headers[HEADER] = current()
        if node:  # several nodes behind one proxy: which one answered (CERTPATH_NODE_ID)
            response.headers[NODE_HEADER] = node
        return response

    @app.teardown_request
    def _forget(_error: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            _current.reset(token)
