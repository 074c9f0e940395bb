"""Switching between an engagement's parties in one browser."""

from __future__ import annotations

from tests import factories


def sign_in_as(browser, user):
    """Sign ``browser`` out of whoever it was and in as ``user``."""
    for cookie in ("session", "remember_token"):
        browser.client.delete_cookie(cookie)
    assert browser.login(user.email, factories.PASSWORD).status_code == 302
    return browser
