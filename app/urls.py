"""Absolute links for emails, built from BASE_URL, never from the request's Host header.

A reset link built from Host would let anyone who can send a forged Host header receive
another user's reset token; the configured public address is the only trustworthy one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
