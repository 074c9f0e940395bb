"""API keys: made by an organisation's administrator, shown once, kept as a hash, revocable.

A key reads ``cp_<prefix>_<secret>``: the prefix finds the row in one indexed lookup, the
secret is compared by its hash in constant time. A key acts for the member who made it, and
only while that member's account is active and the key neither expired nor revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, after_this_request

from app.clock import utcnow
from app.events import announce
from app.extensions import db
from app.security.permissions import Permission, has_permission
from models import ApiKey, ApiScope, Organisation, User

PREFIX_BYTES = 6  # 8 characters of base64url: the key's public name, unique per row
SECRET_BYTES = 32  # 256 bits from the system's CSPRNG
KEY_PATTERN_PARTS = 3  # cp, prefix, secret
# One write per key per minute at most, whatever its traffic.
_USE_RECORDED_EVERY = timedelta(minutes=1)
# A key for a program lives long, but not for ever: a forgotten key stops working by itself.
MAX_LIFETIME_DAYS = 730


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _parse(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != KEY_PATTERN_PARTS or parts[0] != "cp" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def prefix_of(token: str) -> str | None:
    """The public part of a key as presented, for counting its calls before it is checked."""
    parsed = _parse(token)
    return parsed[0] if parsed else None


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    token: str  # shown once, on the page that made it; never stored


def may_manage(user: User, organisation: Organisation) -> bool:
    """Keys are made for one's own organisation only: a key acts as the person who made it."""
    return (
        has_permission(user, Permission.API_KEYS_MANAGE) and user.organisation_id == organisation.id
    )


def create(
    organisation: Organisation,
    actor: User,
    *,
    name: str,
    scopes: list[ApiScope],
    expires_at: datetime,
) -> NewKey:
    """Store a new key of ``organisation`` acting for ``actor``; the token is returned once."""
    # The prefix is unique (a constraint): a collision, at 48 random bits, becomes a 409.
    prefix = secrets.token_urlsafe(PREFIX_BYTES).replace("_", "-")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey(
        organisation_id=organisation.id,
        created_by_id=actor.id,
        name=name.strip(),
        prefix=prefix,
        secret_hash=_hash(secret),
        scopes=[scope.value for scope in scopes],
        expires_at=expires_at,
    )
    db.session.add(key)
    db.session.flush()
    announce("api_key.created", key, actor, organisation=organisation)
    return NewKey(key, f"cp_{prefix}_{secret}")


def revoke(key: ApiKey, actor: User) -> None:
    key.revoked_at = utcnow()
    key.revoked_by_id = actor.id
    db.session.flush()  # the version check: of two revocations, one wins
    announce("api_key.revoked", key, actor, organisation=key.organisation)


def one_of(organisation_id: int, key_id: int) -> ApiKey | None:
    return db.session.scalar(
        sa.select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation_id)
    )


def authenticate(token: str) -> ApiKey | None:
    """The usable key ``token`` presents, with its member and organisation; None for anything
    else (malformed, unknown, wrong secret, expired, revoked, member inactive)."""
    parsed = _parse(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    key = db.session.scalar(
        sa.select(ApiKey)
        .options(
            sa.orm.joinedload(ApiKey.created_by).joinedload(User.organisation),
        )
        .where(ApiKey.prefix == prefix)
    )
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    now = utcnow()
    member = key.created_by
    if (
        not key.usable_at(now)
        or not member.is_active
        or member.organisation_id != key.organisation_id
    ):
        return None
    if key.last_used_at is None or now - key.last_used_at >= _USE_RECORDED_EVERY:
        after_this_request(_recording_use(key.id, now))
    return key


def _recording_use(key_id: int, now: datetime) -> Callable[[Response], Response]:
    def record(response: Response) -> Response:
        # After the call's own work, as a plain UPDATE rather than through the versioned row:
        # concurrent calls with one key must not conflict over the time of its last use.
        db.session.execute(
            sa.update(ApiKey)
            .where(ApiKey.id == key_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return response

    return record
