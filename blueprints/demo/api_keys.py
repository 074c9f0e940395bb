"""Demo API keys for the README's curl examples: the Shanghai authority's platform checks
certificates, its region's self-assessments and campaigns; the evaluation body's own system
reads its projects and logs findings; the enterprise's reads its own. Their
tokens are printed once, when they are made; Certpath keeps only their hashes."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from blueprints.api import keys
from models import ApiKey, ApiScope, User

# (account, key name, scopes, days valid)
KEYS = (
    (
        "authority@demo.certpath.cn",
        "市级平台数据交换（演示）",
        [ApiScope.CERTIFICATES_READ, ApiScope.ASSESSMENTS_READ],
        365,
    ),
    # About to expire: on the authority administrator's work list, with its reminder due.
    ("authority@demo.certpath.cn", "旧版证书核验接口（演示）", [ApiScope.CERTIFICATES_READ], 10),
    ("evaluator@demo.certpath.cn", "评定机构业务系统（演示）", list(ApiScope), 365),
    (
        "enterprise@demo.certpath.cn",
        "企业内部系统（演示）",
        [ApiScope.PROJECTS_READ, ApiScope.ASSESSMENTS_READ, ApiScope.CERTIFICATES_READ],
        365,
    ),
)


def _make(account: str, name: str, scopes: list[ApiScope], days: int) -> str | None:
    member = db.session.scalar(sa.select(User).where(User.email == account))
    if member is None or member.organisation is None:
        return None
    exists = db.session.scalar(
        sa.select(ApiKey.id).where(
            ApiKey.organisation_id == member.organisation_id, ApiKey.name == name
        )
    )
    if exists is not None:
        return None
    made = keys.create(
        member.organisation,
        member,
        name=name,
        scopes=scopes,
        expires_at=utcnow() + timedelta(days=days),
    )
    return made.token


def load() -> list[tuple[str, str]]:
    """(account, token) of each key made now; none for keys made by an earlier load."""
    made = [(account, _make(account, name, scopes, days)) for account, name, scopes, days in KEYS]
    return [(account, token) for account, token in made if token]
