"""Users and the roles they hold."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.organisation import Organisation, OrgKind
from models.types import TitledEnum, enum_column_type


class Role(TitledEnum):
    ENTERPRISE = "enterprise", _l("Enterprise user")
    CONSULTANT = "consultant", _l("Consultant")
    EVALUATOR = "evaluator", _l("Evaluator")
    ALLIANCE_STAFF = "alliance_staff", _l("Alliance staff")
    AUTHORITY = "authority", _l("Authority official")
    # A member of a diagnosis service provider or think tank (seeds 002, 004).
    DIAGNOSTICIAN = "diagnostician", _l("Diagnosis expert")
    # A member of a third-party audit firm (seed 004 二(六)).
    AUDITOR = "auditor", _l("Auditor")
    ADMIN = "admin", _l("Administrator")

    @property
    def org_kinds(self) -> frozenset[OrgKind]:
        """The organisation kinds a user with this role may belong to."""
        return ROLE_ORG_KINDS[self]


ROLE_ORG_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.ENTERPRISE: frozenset({OrgKind.ENTERPRISE}),
    Role.CONSULTANT: frozenset({OrgKind.CONSULTANCY}),
    Role.EVALUATOR: frozenset({OrgKind.EVALUATION_BODY}),
    Role.ALLIANCE_STAFF: frozenset({OrgKind.ALLIANCE}),
    Role.AUTHORITY: frozenset({OrgKind.AUTHORITY}),
    Role.DIAGNOSTICIAN: frozenset({OrgKind.SERVICE_PROVIDER, OrgKind.THINK_TANK}),
    Role.AUDITOR: frozenset({OrgKind.AUDIT_FIRM}),
    Role.ADMIN: frozenset(OrgKind),
}

SUPPORTED_LOCALES = ("zh", "en")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "user_role"))
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(sa.String(5), default="zh")
    email_verified_at: Mapped[datetime | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change: every session cookie carrying the old value stops working.
    auth_version: Mapped[int] = mapped_column(default=1)
    # A one-time password set by an authority (account recovery): signing in with it leads
    # to the change-password page and nowhere else, and only until it expires.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    one_time_password_expires_at: Mapped[datetime | None] = mapped_column()
    # Notification categories this user reads in the app only, without an email.
    email_muted: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}"

    @property
    def is_active(self) -> bool:
        return self.active and self.organisation.active

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"
