"""All models, imported here so that Alembic and the app see the whole schema."""

from models.organisation import EnterpriseSize, Organisation, OrgKind
from models.outbox import OutboxMessage, OutboxStatus
from models.reference import Industry, IndustryLevel, Region, RegionLevel
from models.security import LoginFailure
from models.user import ROLE_ORG_KINDS, SUPPORTED_LOCALES, Role, User

__all__ = [
    "ROLE_ORG_KINDS",
    "SUPPORTED_LOCALES",
    "EnterpriseSize",
    "Industry",
    "IndustryLevel",
    "LoginFailure",
    "OrgKind",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "Region",
    "RegionLevel",
    "Role",
    "User",
]
