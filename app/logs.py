"""Log lines as operators read them: text for a terminal, or one JSON object per line
(``LOG_FORMAT=json``, for a log collector), each with the request or job run id.

Configured once per process on the root logger, so that the app's, the scheduler's and the
libraries' lines come out alike; a process whose logging is already set up (pytest's capture,
an embedding server with its own configuration) is left as it is unless JSON is asked for.
"""

from __future__ import annotations

import logging

from flask import Flask
from pythonjsonlogger.json import JsonFormatter

from app import request_ids

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
_HANDLER_NAME = "certpath"


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request or job run it was written in ('-' outside)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_ids.current() or "-"
        return True


def handler_for(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler()
    handler.set_name(_HANDLER_NAME)
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                JSON_FIELDS,
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    return handler


def init_app(app: Flask) -> None:
    log_format = app.config["LOG_FORMAT"]
    root = logging.getLogger()
    if any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        return  # a second app in the same process (tests, the CLI)
    if root.handlers and log_format != "json":
        return
    root.addHandler(handler_for(log_format))
    if root.level == logging.WARNING:  # the default: nothing chose a level yet
        root.setLevel(app.config["LOG_LEVEL"])
    # Flask's own handler would write every app.logger line a second time, unformatted.
    app.logger.handlers.clear()
    app.logger.propagate = True
