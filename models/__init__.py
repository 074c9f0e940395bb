"""All models, imported here so that Alembic and the app see the whole schema."""

from models.assessment import (
    EDITABLE_STATES,
    SUBMITTED_STATES,
    TOTAL_KEY,
    Assessment,
    AssessmentAction,
    AssessmentEvent,
    AssessmentScore,
    AssessmentStatus,
)
from models.organisation import EnterpriseSize, Organisation, OrgKind
from models.outbox import OutboxMessage, OutboxStatus
from models.reference import Industry, IndustryLevel, Region, RegionLevel
from models.security import LoginFailure
from models.user import ROLE_ORG_KINDS, SUPPORTED_LOCALES, Role, User

__all__ = [
    "EDITABLE_STATES",
    "ROLE_ORG_KINDS",
    "SUBMITTED_STATES",
    "SUPPORTED_LOCALES",
    "TOTAL_KEY",
    "Assessment",
    "AssessmentAction",
    "AssessmentEvent",
    "AssessmentScore",
    "AssessmentStatus",
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
