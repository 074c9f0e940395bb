"""The shapes of /api/v1, as pydantic models: they validate what comes in and are the OpenAPI
document's schemas. Descriptions are English in the code and served in the reader's language
(docs_routes translates the document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.i18n import N_
from app.input_boundary import MAX_ID
from blueprints.api.certificates import BULK_AT_MOST, PAGE_AT_MOST
from models import (
    AssessmentStatus,
    AuditKind,
    CertificateStatus,
    EnterpriseTag,
    FindingKind,
    FindingStatus,
    ProjectStatus,
)


class FieldError(BaseModel):
    field: str = Field(description=N_("Where the refused value was (query, body, path)"))
    message: str = Field(description=N_("Why it was refused"))


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    type: str = Field(description=N_("A URI naming the kind of problem"))
    title: str = Field(description=N_("The kind of problem, in the caller's language"))
    status: int = Field(description=N_("The HTTP status"))
    code: str = Field(description=N_("A stable code a program can test"))
    instance: str = Field(description=N_("The path that was called"))
    detail: str | None = Field(None, description=N_("What went wrong, in the caller's language"))
    errors: list[FieldError] | None = Field(None, description=N_("The fields that were refused"))


class Body(BaseModel):
    code: str | None = Field(description=N_("The evaluation body's code in certificate numbers"))
    name: str


class CertificateOut(BaseModel):
    number: str = Field(description=N_("The certificate number"))
    status: CertificateStatus = Field(
        description=N_(
            "The live status today, as the verification page shows it: a valid or suspended "
            "certificate past its expiry date is expired"
        )
    )
    enterprise_name: str
    credit_code: str | None = Field(description=N_("The holder's unified social credit code"))
    region_code: str | None = Field(description=N_("GB/T 2260 code of the holder's region"))
    scope: str
    standard: str
    effective_on: date
    expires_on: date
    body: Body
    successor_number: str | None = Field(
        description=N_("For a superseded certificate: the number of the one that replaced it")
    )
    url: str = Field(description=N_("The public verification page (the QR code's target)"))


# Certificate numbers (CSAIII-93125IIIMS0000101) and credit codes are Latin letters, digits and
# hyphens, 40 characters at most: anything else is refused, not cut or trimmed.
CertificateNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,40}$")]


class NumberPath(BaseModel):
    number: CertificateNumber = Field(description=N_("The certificate number"))


# What next_cursor holds (base64url, at most 64 characters).
Cursor = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class CertificatePage(BaseModel):
    items: list[CertificateOut]
    next_cursor: str | None = Field(
        description=N_("Pass as cursor for the next page; absent on the last page")
    )


class CertificateFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credit_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] | None = (
        Field(None, description=N_("Only the certificates of this holder (18-character code)"))
    )
    region: Annotated[str, StringConstraints(pattern=r"^(\d{2}|\d{4}|\d{6})$")] | None = Field(
        None, description=N_("GB/T 2260 code of a province (2 digits), city (4) or county (6)")
    )
    body: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")] | None = Field(
        None, description=N_("The evaluation body's code")
    )
    status: CertificateStatus | None = Field(None, description=N_("The live status today"))
    effective_from: date | None = Field(None, description=N_("Effective on or after this day"))
    effective_to: date | None = Field(None, description=N_("Effective on or before this day"))
    cursor: Cursor | None = Field(None, description=N_("The next_cursor of the previous page"))
    limit: int = Field(50, ge=1, le=PAGE_AT_MOST, description=N_("Certificates per page"))


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[CertificateNumber] = Field(
        min_length=1,
        max_length=BULK_AT_MOST,
        description=N_("Certificate numbers or unified social credit codes, up to 100"),
    )


class VerifyResult(BaseModel):
    query: str = Field(description=N_("The item as it was asked"))
    kind: str = Field(
        description=N_("credit_code or number: how the item was read"),
        json_schema_extra={"enum": ["credit_code", "number"]},
    )
    found: bool
    certificates: list[CertificateOut] = Field(
        description=N_(
            "For a number, its certificate; for a credit code, the holder's certificates "
            "of record (superseded ones left out)"
        )
    )


class VerifyResponse(BaseModel):
    results: list[VerifyResult] = Field(description=N_("One result per item, in the order asked"))


# --- projects, audits, findings -----------------------------------------------------------------


class Party(BaseModel):
    name: str
    credit_code: str | None = Field(description=N_("An enterprise's unified social credit code"))
    body_code: str | None = Field(description=N_("An evaluation body's code"))


class ProjectSummary(BaseModel):
    id: int
    status: ProjectStatus = Field(description=N_("Where the project stands on the path"))
    enterprise: Party
    consultancy: Party | None
    body: Party | None = Field(description=N_("The evaluation body, once applied to"))
    scope: str
    applied_at: datetime | None
    stage2_completed_on: date | None
    recommended: bool | None = Field(description=N_("The evaluation body's conclusion"))
    created_at: datetime
    status_changed_at: datetime


class AuditOut(BaseModel):
    id: int
    kind: AuditKind
    starts_on: date
    ends_on: date
    completed_on: date | None


class ProjectOut(ProjectSummary):
    audits: list[AuditOut]
    certificate_numbers: list[str] = Field(
        description=N_("The certificates issued at the end of this project")
    )


class ProjectPage(BaseModel):
    items: list[ProjectSummary]
    next_cursor: str | None = Field(
        description=N_("Pass as cursor for the next page; absent on the last page")
    )


class ProjectFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ProjectStatus | None = Field(None, description=N_("Only projects in this state"))
    cursor: Cursor | None = Field(None, description=N_("The next_cursor of the previous page"))
    limit: int = Field(50, ge=1, le=PAGE_AT_MOST, description=N_("Projects per page"))


class ProjectPath(BaseModel):
    project_id: int = Field(ge=1, le=MAX_ID)


class AuditPath(BaseModel):
    audit_id: int = Field(ge=1, le=MAX_ID)


class FindingOut(BaseModel):
    id: int
    audit_id: int
    kind: FindingKind
    clause_code: str = Field(description=N_("The clause of GB/T 23001-2017"))
    description: str
    status: FindingStatus
    due_on: date | None = Field(description=N_("When the enterprise's answer is due"))
    created_at: datetime
    closed_at: datetime | None


class FindingList(BaseModel):
    items: list[FindingOut]


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FindingKind
    clause_code: Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$", max_length=20)]
    description: Annotated[str, StringConstraints(min_length=1, max_length=4000)] = Field(
        description=N_("Description and objective evidence")
    )


# --- self-assessments, campaigns, the enterprise check -------------------------------------------

Stage = Annotated[
    Literal["basic", "single", "integration", "innovation"],
    Field(
        description=N_(
            "The stage of digital transformation found: basic, single (single-point "
            "coverage), integration (integrated improvement) or innovation (innovative "
            "breakthrough)"
        )
    ),
]


class Enterprise(BaseModel):
    name: str
    credit_code: str | None = Field(description=N_("Its unified social credit code"))


class AssessmentOut(BaseModel):
    id: int
    year: int = Field(description=N_("The year assessed"))
    status: AssessmentStatus = Field(description=N_("Where its review stands"))
    total: float | None = Field(description=N_("The total score, once scored"))
    stage: Stage | None
    region_code: str | None = Field(description=N_("GB/T 2260 code of the enterprise's region"))
    submitted_at: datetime | None
    enterprise: Enterprise
    campaign: str | None = Field(description=N_("The campaign it was filled in for, if any"))


class AssessmentPage(BaseModel):
    items: list[AssessmentOut]
    next_cursor: str | None = Field(
        description=N_("Pass as cursor for the next page; absent on the last page")
    )


class DimensionScore(BaseModel):
    dimension: str = Field(description=N_("The dimension of the questionnaire"))
    score: float


class AssessmentDetail(AssessmentOut):
    approved_at: datetime | None
    scores: list[DimensionScore] = Field(
        description=N_("The score per dimension (none for a draft)")
    )


class AssessmentFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(None, ge=1990, le=2099, description=N_("Only this year's"))
    campaign: int | None = Field(
        None, ge=1, le=MAX_ID, description=N_("Only those filled in for this campaign")
    )
    status: AssessmentStatus | None = Field(None, description=N_("Only those in this state"))
    stage: Stage | None = None
    region: Annotated[str, StringConstraints(pattern=r"^(\d{2}|\d{4}|\d{6})$")] | None = Field(
        None,
        description=N_(
            "A region within yours, by GB/T 2260 code: province (2 digits), city (4) or county (6)"
        ),
    )
    q: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        None, description=N_("Part of the enterprise's name or credit code")
    )
    tag: EnterpriseTag | None = Field(
        None, description=N_("Only enterprises with this tag on the roster")
    )
    cursor: Cursor | None = Field(None, description=N_("The next_cursor of the previous page"))
    limit: int = Field(50, ge=1, le=PAGE_AT_MOST, description=N_("Assessments per page"))


class AssessmentPath(BaseModel):
    assessment_id: int = Field(ge=1, le=MAX_ID)


class CampaignOut(BaseModel):
    id: int
    title: str
    year: int
    round: int = Field(description=N_("The round within its year"))
    region_code: str = Field(description=N_("GB/T 2260 code of the region it covers"))
    authority: str = Field(description=N_("The authority that launched it"))
    opens_on: date
    closes_on: date
    report_due_on: date = Field(description=N_("When the region's report is due"))
    target_tag: EnterpriseTag | None = Field(
        description=N_("Only the roster enterprises with this tag are asked, if set")
    )


class CampaignPage(BaseModel):
    items: list[CampaignOut]
    next_cursor: str | None = Field(
        description=N_("Pass as cursor for the next page; absent on the last page")
    )


class CampaignListFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cursor: Cursor | None = Field(None, description=N_("The next_cursor of the previous page"))
    limit: int = Field(50, ge=1, le=PAGE_AT_MOST, description=N_("Campaigns per page"))


class CampaignPath(BaseModel):
    campaign_id: int = Field(ge=1, le=MAX_ID)


class ProgressQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = Field(
        None, description=N_("A region inside yours to draw the table for (6-digit code)")
    )


class ProgressRow(BaseModel):
    region_code: str = Field(description=N_("The reporting unit's GB/T 2260 code"))
    name: str
    separate: bool = Field(description=N_("A unit that reports on its own beside its parent"))
    direct: bool = Field(description=N_("Enterprises registered at the region's own level"))
    roster: int = Field(description=N_("Enterprises on the roster the campaign targets"))
    participated: int = Field(description=N_("Enterprises with an assessment in the campaign"))
    completed: int = Field(description=N_("Enterprises whose assessment is submitted"))
    quota: int | None = Field(description=N_("The quota that applies (the larger of two)"))
    rate: float | None = Field(description=N_("Completed against the quota (1.0 = met)"))
    rank: int | None = Field(description=N_("The rank by completion rate among the units"))


class ProgressOut(BaseModel):
    campaign: CampaignOut
    region_code: str = Field(description=N_("The region the table is drawn for"))
    total: ProgressRow = Field(description=N_("The region's own total: the sum of its rows"))
    rows: list[ProgressRow]


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credit_codes: list[CertificateNumber] = Field(
        min_length=1,
        max_length=BULK_AT_MOST,
        description=N_("Unified social credit codes, up to 100"),
    )


class CheckedAssessment(BaseModel):
    id: int
    year: int
    stage: Stage | None
    status: AssessmentStatus
    total: float | None
    submitted_at: datetime | None


class CheckedProject(BaseModel):
    id: int
    status: ProjectStatus
    status_changed_at: datetime


class CheckedCertificate(BaseModel):
    number: str
    status: CertificateStatus = Field(description=N_("The live status today"))
    expires_on: date


class CheckedEnterprise(BaseModel):
    name: str
    region_code: str | None


class CheckResult(BaseModel):
    credit_code: str = Field(description=N_("The code as asked (upper case)"))
    valid: bool = Field(description=N_("Whether the code's check digit holds"))
    found: bool = Field(
        description=N_("Whether an enterprise of your region (all, for the alliance) has it")
    )
    enterprise: CheckedEnterprise | None
    assessment: CheckedAssessment | None = Field(
        description=N_("Its last submitted self-assessment")
    )
    project: CheckedProject | None = Field(description=N_("Its latest certification project"))
    certificate: CheckedCertificate | None = Field(
        description=N_("Its current certificate (superseded ones left out)")
    )


class CheckResponse(BaseModel):
    results: list[CheckResult] = Field(description=N_("One result per code, in the order asked"))


# --- webhooks: what an endpoint receives (the document's "webhooks") ------------------------------


class ProjectEventData(BaseModel):
    action: str = Field(description=N_("The move the project made (e.g. apply, confirm)"))
    project: ProjectSummary


class CertificateEventData(BaseModel):
    action: str = Field(description=N_("What happened to it (e.g. suspend, restore, expire)"))
    certificate: CertificateOut


class PublicityEntryOut(BaseModel):
    enterprise_name: str
    region_name: str
    body_name: str = Field(description=N_("The evaluation body"))
    scope: str


class PublicityBatchOut(BaseModel):
    id: int
    title: str
    starts_on: date
    ends_on: date
    working_days: int = Field(description=N_("The publicity period in working days"))
    entries: list[PublicityEntryOut] = Field(description=N_("The enterprises publicised"))


class PublicityEventData(BaseModel):
    batch: PublicityBatchOut


class PingData(BaseModel):
    endpoint_id: int
    url: str


class _Delivery(BaseModel):
    id: str = Field(
        description=N_(
            "The delivery's idempotency key, as in Certpath-Delivery: the same on retries"
        )
    )
    occurred_at: datetime


class ProjectStateChanged(_Delivery):
    type: Literal["project.state_changed"]
    data: ProjectEventData


class CertificateStatusChanged(_Delivery):
    type: Literal["certificate.status_changed"]
    data: CertificateEventData


class PublicityBatchOpened(_Delivery):
    type: Literal["publicity.batch_opened"]
    data: PublicityEventData


class Ping(_Delivery):
    type: Literal["ping"]
    data: PingData
