"""Signed, expiring links for email verification, password reset and invitations.

Each token names its purpose (a salt) and carries a fingerprint of the state it acts on, so
that a token is useless once used: verification once verified, reset once the password changed.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from models import User

Purpose = Literal["verify", "reset", "invite"]

_MAX_AGE_SETTING = {
    "verify": "VERIFY_TOKEN_MAX_AGE_HOURS",
    "reset": "RESET_TOKEN_MAX_AGE_HOURS",
    "invite": "INVITE_TOKEN_MAX_AGE_HOURS",
}


class TokenError(Exception):
    def __init__(self, reason: Literal["expired", "invalid"]):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"certpath-{purpose}")


def _fingerprint(user: User) -> str:
    state = f"{user.email}|{user.password_hash or ''}|{user.email_verified_at or ''}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def make_token(user: User, purpose: Purpose) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def read_token(token: str, purpose: Purpose) -> User:
    max_age = current_app.config[_MAX_AGE_SETTING[purpose]] * 3600
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or data.get("f") != _fingerprint(user):
        raise TokenError("invalid")
    return user
