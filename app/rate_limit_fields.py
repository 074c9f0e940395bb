"""The IETF RateLimit header fields (RateLimit-Limit, -Remaining, -Reset) and Retry-After,
told where someone reads them: on every answer of the API, whose clients pace themselves by
them, and on every refusal (429) anywhere, which says when to come back.

To know what remains takes the storage twice more after the one count the limit needs (GET
and TTL in Redis). On the public pages — the certificate a QR code opens above all — that
would triple the round trips to Redis of every visit, for fields no browser reads: this hook
asks only where the fields are read.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from werkzeug.wrappers import Response

from app import rate_limits
from app.problems import is_api_request

TOO_MANY_REQUESTS = 429


def tell_limits(response: Response) -> Response:
    """after_request: the fields of the request's tightest limit, where they are read."""
    refused = response.status_code == TOO_MANY_REQUESTS
    if not (refused or is_api_request()):
        return response
    current = rate_limits.counted()
    if current is None:  # an unlimited view, or the limits are off
        return response
    config = current_app.config
    resets, remaining = current.window()  # the window's end, in seconds since the epoch
    response.headers[config["RATELIMIT_HEADER_LIMIT"]] = str(current.item.amount)
    response.headers[config["RATELIMIT_HEADER_REMAINING"]] = str(remaining)
    response.headers[config["RATELIMIT_HEADER_RESET"]] = str(int(resets + 1))
    if refused:
        response.headers["Retry-After"] = str(max(1, math.ceil(resets - time.time())))
    return response


def init_app(app: Flask) -> None:
    app.after_request(tell_limits)
