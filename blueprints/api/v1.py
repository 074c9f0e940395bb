"""/api/v1: the certificates of the public register for programs — one by number (no key),
the register by filter with a cursor, and the bulk check funding programmes and provincial
platforms run over their lists (seed 003 q4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from app.i18n import N_
from app.problems import problem
from app.security.permissions import Permission
from blueprints.api import assessments as assessment_reads
from blueprints.api import certificates, cursors
from blueprints.api import projects as project_reads
from blueprints.api.access import anonymous, open_to_all, with_key
from blueprints.api.schemas import (
    AssessmentDetail,
    AssessmentFilters,
    AssessmentPage,
    AssessmentPath,
    AuditPath,
    CampaignListFilters,
    CampaignPage,
    CampaignPath,
    CertificateFilters,
    CertificateOut,
    CertificatePage,
    CheckRequest,
    CheckResponse,
    FindingIn,
    FindingList,
    FindingOut,
    NumberPath,
    ProgressOut,
    ProgressQuery,
    ProjectFilters,
    ProjectOut,
    ProjectPage,
    ProjectPath,
    VerifyRequest,
    VerifyResponse,
)
from blueprints.assessment import region_list
from models import ApiScope

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
SECURITY: list[dict[str, list[Any]]] = [{"api_key": []}]


def problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }


# What any call may meet: its input refused (at the app's input boundary or by the models),
# too many calls.
COMMON: dict[str | int, Any] = {
    400: problem_response(N_("The request holds characters nobody types (control characters)")),
    422: problem_response(N_("The input was refused: the fields and the reasons are listed")),
    429: problem_response(N_("Too many calls: wait for the seconds in Retry-After")),
}
KEYED: dict[str | int, Any] = {
    401: problem_response(N_("No key, or a key that is unknown, expired or revoked")),
    403: problem_response(N_("The key lacks the scope, or its member the permission")),
}

certificates_tag = Tag(
    name="certificates",
    description=N_("GB/T 23001 certificates: verification and the public register"),
)

api = APIBlueprint("api_v1", __name__, url_prefix="/api/v1", abp_responses=COMMON)
api.before_request(anonymous)


@api.get(
    "/certificates/<number>",
    tags=[certificates_tag],
    summary=N_("Verify one certificate"),
    description=N_(
        "The certificate with this number as its public verification page shows it, with the "
        "live status of today. No key needed; calls are counted per address."
    ),
    responses={
        200: CertificateOut,
        404: problem_response(N_("No certificate has this number")),
    },
)
@open_to_all
def certificate(path: NumberPath):
    item = certificates.by_number(path.number)
    if item is None:
        return _not_found(N_("No certificate has this number."))
    return CertificateOut.model_validate(item).model_dump(mode="json")


@api.get(
    "/certificates",
    tags=[certificates_tag],
    summary=N_("Search the register"),
    description=N_(
        "Certificates of record (superseded ones left out), newest first, filtered by holder, "
        "region, evaluation body, live status and effective dates; one page per call, the next "
        "one by its cursor."
    ),
    responses={200: CertificatePage, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.CERTIFICATES_READ)
def register(query: CertificateFilters):
    filters = certificates.Filters(
        credit_code=query.credit_code,
        region=query.region,
        body=query.body,
        status=query.status.value if query.status else None,
        effective_from=query.effective_from,
        effective_to=query.effective_to,
    )
    return _paged(
        query.cursor,
        date.fromisoformat,
        lambda after: certificates.page(filters, after=after, limit=query.limit),
        CertificatePage,
    )


@api.post(
    "/certificates/verify",
    tags=[certificates_tag],
    summary=N_("Verify up to 100 numbers or credit codes"),
    description=N_(
        "One result per item, in the order given: an item that is a valid unified social credit "
        "code is read as one (the holder's certificates), any other as a certificate number."
    ),
    responses={200: VerifyResponse, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.CERTIFICATES_READ)
def verify(body: VerifyRequest):
    results = certificates.verify(body.items)
    return VerifyResponse.model_validate({"results": results}).model_dump(mode="json")


def _paged(
    cursor: str | None,
    parse: Callable[[str], Any],
    fetch: Callable[[Any], tuple[list[dict[str, Any]], str | None]],
    model: type[BaseModel],
):
    """One page of a list read by keyset: after the cursor's position (from the start
    without one), with the next page's cursor; a cursor not written here is refused."""
    after = None
    if cursor:
        after = cursors.read(cursor, parse)
        if after is None:
            return _refused("query.cursor", N_("This cursor was not written by this interface."))
    items, next_cursor = fetch(after)
    return model.model_validate({"items": items, "next_cursor": next_cursor}).model_dump(
        mode="json"
    )


def _not_found(detail: str):
    return problem(404, gettext(detail))


def _refused(field: str, message: str):
    return problem(422, None, errors=[{"field": field, "message": gettext(message)}])


# --- projects, audits, findings -----------------------------------------------------------------

projects_tag = Tag(
    name="projects",
    description=N_(
        "Certification projects, their audits and findings, for the parties to them: what the "
        "key's member sees on the project and audit pages"
    ),
)
NOT_A_PARTY = problem_response(N_("No such object, or your organisation is not a party to it"))


@api.get(
    "/projects",
    tags=[projects_tag],
    summary=N_("Your organisation's projects"),
    description=N_(
        "The projects your organisation is a party to (as enterprise, consultancy or evaluation "
        "body; the alliance sees all), most recently moved first."
    ),
    responses={200: ProjectPage, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.PROJECTS_READ, Permission.PROJECT_VIEW)
def projects(query: ProjectFilters):
    status = query.status.value if query.status else None
    return _paged(
        query.cursor,
        datetime.fromisoformat,
        lambda after: project_reads.page(status, after=after, limit=query.limit),
        ProjectPage,
    )


@api.get(
    "/projects/<int:project_id>",
    tags=[projects_tag],
    summary=N_("One project"),
    description=N_("The project with its audits and the numbers of its certificates."),
    responses={200: ProjectOut, 404: NOT_A_PARTY, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.PROJECTS_READ, Permission.PROJECT_VIEW)
def project(path: ProjectPath):
    return ProjectOut.model_validate(project_reads.one(path.project_id)).model_dump(mode="json")


@api.get(
    "/audits/<int:audit_id>/findings",
    tags=[projects_tag],
    summary=N_("An audit's findings"),
    responses={200: FindingList, 404: NOT_A_PARTY, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.PROJECTS_READ, Permission.PROJECT_VIEW)
def findings(path: AuditPath):
    items = project_reads.findings(path.audit_id)
    return FindingList.model_validate({"items": items}).model_dump(mode="json")


@api.post(
    "/audits/<int:audit_id>/findings",
    tags=[projects_tag],
    summary=N_("Log a finding"),
    description=N_(
        "As the audit page's finding form: only a member of the audit's team, while the audit is "
        "under way, on an active clause; a nonconformity is due for the enterprise's answer in "
        "the configured number of days and the enterprise hears of it."
    ),
    responses={
        201: FindingOut,
        404: NOT_A_PARTY,
        409: problem_response(N_("The audit's rules refuse it now; the detail says which")),
        **KEYED,
    },
    security=SECURITY,
)
@with_key(ApiScope.FINDINGS_WRITE, Permission.PROJECT_EVALUATE)
def log_finding(path: AuditPath, body: FindingIn):
    finding = project_reads.log_finding(
        path.audit_id, body.kind, body.clause_code, body.description
    )
    return FindingOut.model_validate(project_reads.as_finding(finding)).model_dump(mode="json"), 201


# --- self-assessments, campaigns, the enterprise check -------------------------------------------

assessments_tag = Tag(
    name="assessments",
    description=N_(
        "Self-assessments and campaigns: an enterprise's own; for an authority, those of its "
        "region, its campaigns' progress and a bulk check of enterprises by credit code"
    ),
)
NO_REGION = problem_response(
    N_("No such object in your view, or your organisation has no region to view")
)


@api.get(
    "/assessments",
    tags=[assessments_tag],
    summary=N_("Self-assessments"),
    description=N_(
        "For an authority, the submitted self-assessments of its region (a draft stays the "
        "enterprise's own), latest submitted first, as its region list shows them; for an "
        "enterprise, its own, drafts included, on one page. The filters apply to an "
        "authority's list."
    ),
    responses={200: AssessmentPage, 404: NO_REGION, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.ASSESSMENTS_READ, Permission.ASSESSMENT_VIEW)
def assessments(query: AssessmentFilters):
    filters = region_list.Filters(
        year=query.year,
        campaign=query.campaign,
        status=query.status,
        stage=query.stage or "",
        region=query.region or "",
        tag=query.tag,
        q=query.q or "",
    )
    return _paged(
        query.cursor,
        datetime.fromisoformat,
        lambda after: assessment_reads.page(filters, after=after, limit=query.limit),
        AssessmentPage,
    )


@api.get(
    "/assessments/<int:assessment_id>",
    tags=[assessments_tag],
    summary=N_("One self-assessment"),
    description=N_("With its score per dimension, as its report shows it."),
    responses={200: AssessmentDetail, 404: NO_REGION, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.ASSESSMENTS_READ, Permission.ASSESSMENT_VIEW)
def assessment(path: AssessmentPath):
    item = assessment_reads.one(path.assessment_id)
    return AssessmentDetail.model_validate(item).model_dump(mode="json")


@api.get(
    "/campaigns",
    tags=[assessments_tag],
    summary=N_("Your campaigns"),
    description=N_(
        "The assessment campaigns over your region, above it or inside it, newest first."
    ),
    responses={200: CampaignPage, 404: NO_REGION, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.ASSESSMENTS_READ, Permission.CAMPAIGNS_MANAGE)
def campaigns(query: CampaignListFilters):
    return _paged(
        query.cursor,
        date.fromisoformat,
        lambda after: assessment_reads.campaigns_page(after=after, limit=query.limit),
        CampaignPage,
    )


@api.get(
    "/campaigns/<int:campaign_id>/progress",
    tags=[assessments_tag],
    summary=N_("A campaign's progress"),
    description=N_(
        "Per reporting unit of the region (yours, or one inside it): roster, enterprises "
        "taking part, completed assessments, quota, completion rate and rank, with the "
        "region's total (seed 001, annex 2)."
    ),
    responses={200: ProgressOut, 404: NO_REGION, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.ASSESSMENTS_READ, Permission.CAMPAIGNS_MANAGE)
def campaign_progress(path: CampaignPath, query: ProgressQuery):
    table = assessment_reads.campaign_progress(path.campaign_id, query.region)
    return ProgressOut.model_validate(table).model_dump(mode="json")


@api.post(
    "/enterprises/check",
    tags=[assessments_tag],
    summary=N_("Check up to 100 enterprises by credit code"),
    description=N_(
        "For funding programmes (seed 003 q4): per code, whether it is valid and an "
        "enterprise of your region (all, for the alliance), its last submitted "
        "self-assessment, its latest project's state and its current certificate. The "
        "organisations page offers the same check as an Excel upload."
    ),
    responses={200: CheckResponse, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.ASSESSMENTS_READ, Permission.ORG_VIEW)
def check_enterprises(body: CheckRequest):
    results = assessment_reads.check(body.credit_codes)
    return CheckResponse.model_validate({"results": results}).model_dump(mode="json")
