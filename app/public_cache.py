"""HTTP caching of the pages anonymous visitors request most (a certificate's QR code, the
publicity list).

An anonymous visitor's page depends only on the data and the language, so browsers and
proxies may keep it for PUBLIC_PAGE_MAX_AGE seconds and then revalidate it: the ETag is a
digest of the page itself, so a status that changed (a suspension, the expiry date passed)
gives a new tag and the old copy is never served past its age. Signed-in users' pages carry
their actions and forms and are never cached.
"""

from __future__ import annotations

from flask import current_app, make_response, request, session
from werkzeug.wrappers import Response


def public_cacheable(body: str) -> Response:
    response = make_response(body)
    if session or session.modified:
        # A visitor with state of their own (a flashed message, a chosen language): their
        # page is theirs, and the session cookie it sets must not reach anyone else.
        return response
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PUBLIC_PAGE_MAX_AGE"]
    # The language comes from ?lang=, the session cookie or Accept-Language.
    response.vary.update(("Cookie", "Accept-Language"))
    response.add_etag()
    return response.make_conditional(request)
