"""Keys of the machine interface (/api/v1): an organisation's programs call Certpath with one.

A key acts for the member of the organisation who created it, within the scopes it was given:
every check of the web pages applies to it as to that person, and a deactivated member's keys
stop working with their account.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.types import TitledEnum

if TYPE_CHECKING:
    from models.organisation import Organisation
    from models.user import User


class ApiScope(TitledEnum):
    """What a key may be used for; an endpoint names the one it needs."""

    CERTIFICATES_READ = (
        "certificates:read",
        _l("Certificates: search the register and verify numbers or credit codes in bulk"),
    )
    PROJECTS_READ = (
        "projects:read",
        _l("Projects: read the projects, audits and findings your organisation is a party to"),
    )
    FINDINGS_WRITE = (
        "findings:write",
        _l("Findings: log findings on the audits your evaluation team runs"),
    )
    ASSESSMENTS_READ = (
        "assessments:read",
        _l(
            "Self-assessments: read your own, or as an authority those of your region, your "
            "campaigns' progress and where enterprises stand by credit code"
        ),
    )


class ApiKey(Model):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # The public part of the key ("cp_<prefix>_<secret>"): found by it, in one indexed lookup.
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # Only a hash of the secret: the secret has 256 random bits, so a plain sha256 cannot be
    # reversed and is fast enough to check on every call (a password hash would not be).
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The last reminder of its expiry sent, in days before it (CERTPATH_API_KEY_EXPIRY_REMINDER_
    # DAYS): a run reminds only of keys that have reached a nearer one.
    reminded_days: Mapped[int | None] = mapped_column()
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}
    # The reminder job's scan: live keys by expiry.
    __table_args__ = (sa.Index("ix_api_keys_expiry", "revoked_at", "expires_at"),)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def usable_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at

    def allows(self, scope: ApiScope) -> bool:
        return scope.value in self.scopes

    def scope_members(self) -> list[ApiScope]:
        known = {scope.value: scope for scope in ApiScope}
        return [known[value] for value in self.scopes if value in known]
