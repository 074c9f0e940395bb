"""Flask-Login wiring, signing in and out, and the security headers every response carries."""

from __future__ import annotations

from flask import Flask, Request, Response, current_app, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_login.config import COOKIE_NAME

from app.extensions import login_manager
from app.security import sessions
from models import User

# Assets are served from this app only (no CDN), so the policy can be strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    # One indexed query: the session row must exist and not be expired, and the user's auth
    # version must match (a password change or a deactivation voids every older cookie).
    return sessions.load(session_id)


def sign_in(user: User, *, remember: bool) -> None:
    """Open a new session for ``user``: a fresh cookie (no fixation) naming a new row."""
    session.clear()
    token = sessions.start(user, remember=remember)
    login_user(user, remember=remember)
    # Flask-Login stores user.get_id(); the token goes with it, so that the session cookie and
    # the remember-me cookie (which Flask-Login makes from this same value) both name the row
    # that signing out deletes.
    session["_user_id"] = sessions.session_id(user, token)
    session.permanent = True
    session["lang"] = user.locale


def sign_out() -> None:
    """End this session on the server, then forget it in the browser."""
    sessions.end(session.get("_user_id"))
    session.clear()
    # After clear(): logout_user() asks for the remember-me cookie to be deleted, a request
    # that clear() would otherwise throw away.
    logout_user()


def renew(user: User) -> None:
    """After a password change (which ended every session of ``user``): a new session for this
    browser, remembered if it was."""
    cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    sign_in(user, remember=cookie_name in request.cookies)


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    max_age = current_app.config["HSTS_MAX_AGE_SECONDS"]
    # Only over HTTPS (is_secure honours TRUSTED_PROXIES through ProxyFix): browsers ignore the
    # header on plain HTTP. Only in production: a developer's localhost must not be pinned to
    # HTTPS for a year.
    if max_age > 0 and request.is_secure and current_app.config["ENV"] == "production":
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={max_age}; includeSubDomains"
        )
    return response


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signer for a visitor who sent no
    cookie — most of those who open a certificate's QR code."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    app.after_request(security_headers)
