"""A demo API key for the README's curl examples: the Shanghai authority's platform checks
certificates. Its token is printed once, when it is made; Certpath keeps only its hash."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from blueprints.api import keys
from models import ApiKey, ApiScope, User

KEY_NAME = "市级平台证书核验（演示）"
ACCOUNT = "authority@demo.certpath.cn"


def load() -> str | None:
    """The new key's token, or None when the demo's key exists already (loaded before)."""
    official = db.session.scalar(sa.select(User).where(User.email == ACCOUNT))
    if official is None or official.organisation is None:
        return None
    exists = db.session.scalar(
        sa.select(ApiKey.id).where(
            ApiKey.organisation_id == official.organisation_id, ApiKey.name == KEY_NAME
        )
    )
    if exists is not None:
        return None
    made = keys.create(
        official.organisation,
        official,
        name=KEY_NAME,
        scopes=list(ApiScope),
        expires_at=utcnow() + timedelta(days=365),
    )
    return made.token
