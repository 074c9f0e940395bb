"""All models, imported here so that Alembic and the app see the whole schema."""

from models.assessment import (
    EDITABLE_STATES,
    SUBMITTED_STATES,
    TOTAL_KEY,
    Assessment,
    AssessmentAction,
    AssessmentEvent,
    AssessmentScore,
    AssessmentScoreCount,
    AssessmentStatus,
)
from models.audit import (
    Audit,
    AuditKind,
    AuditTeamMember,
    CorrectiveAction,
    Finding,
    FindingKind,
    FindingStatus,
)
from models.certificate import (
    BodySerial,
    Certificate,
    CertificateEvent,
    CertificateRequest,
    CertificateStatus,
    Objection,
    ObjectionStatus,
    PublicityBatch,
    PublicityEntry,
    RequestKind,
    RequestOutcome,
)
from models.clause import Clause
from models.document import Document, DocumentKind
from models.notification import Notification
from models.organisation import EnterpriseSize, Organisation, OrgKind
from models.outbox import OutboxMessage, OutboxStatus
from models.project import (
    CLOSED_STATUSES,
    CONSULTING_STEPS,
    FINISHED_STATUSES,
    ConsultingStep,
    Project,
    ProjectEvent,
    ProjectStatus,
)
from models.reference import Industry, IndustryLevel, Region, RegionLevel
from models.scheduler import JobRun
from models.security import LoginFailure, UserSession
from models.surveillance import (
    PENDING_SCHEDULE_STATUSES,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
)
from models.user import ROLE_ORG_KINDS, SUPPORTED_LOCALES, Role, User

__all__ = [
    "CLOSED_STATUSES",
    "CONSULTING_STEPS",
    "EDITABLE_STATES",
    "FINISHED_STATUSES",
    "PENDING_SCHEDULE_STATUSES",
    "ROLE_ORG_KINDS",
    "SUBMITTED_STATES",
    "SUPPORTED_LOCALES",
    "TOTAL_KEY",
    "Assessment",
    "AssessmentAction",
    "AssessmentEvent",
    "AssessmentScore",
    "AssessmentScoreCount",
    "AssessmentStatus",
    "Audit",
    "AuditKind",
    "AuditTeamMember",
    "BodySerial",
    "Certificate",
    "CertificateEvent",
    "CertificateRequest",
    "CertificateStatus",
    "Clause",
    "ConsultingStep",
    "CorrectiveAction",
    "Document",
    "DocumentKind",
    "EnterpriseSize",
    "Finding",
    "FindingKind",
    "FindingStatus",
    "Industry",
    "IndustryLevel",
    "JobRun",
    "LoginFailure",
    "Notification",
    "Objection",
    "ObjectionStatus",
    "OrgKind",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "Project",
    "ProjectEvent",
    "ProjectStatus",
    "PublicityBatch",
    "PublicityEntry",
    "Region",
    "RegionLevel",
    "RequestKind",
    "RequestOutcome",
    "Role",
    "ScheduleItem",
    "ScheduleKind",
    "ScheduleStatus",
    "User",
    "UserSession",
]
