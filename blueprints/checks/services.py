"""Where enterprises stand, checked by credit code: what funding programmes ask before they pay
(seed 003 q4: the enterprise has self-assessed, and passed the evaluation before its project
closes). For each code: is it a valid code, is it an enterprise the viewer sees (an authority its
region, the alliance all), its last submitted self-assessment (year, stage, state, score), its
latest project's state and its current certificate with the live status of the day.

The same check answers the API (up to 100 codes) and the web page's Excel upload (up to the
roster's row limit): four statements per chunk of codes, whatever their number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _
from stdnum.cn import uscc
from werkzeug.datastructures import FileStorage

from app import uploads
from app.clock import local_today
from app.excel import Sheet, write_xlsx
from app.extensions import db
from app.security.access import organisation_scope
from blueprints.roster import workbook
from models import (
    Assessment,
    AssessmentStatus,
    Certificate,
    CertificateStatus,
    Organisation,
    OrgKind,
    Project,
    ProjectStatus,
    User,
)

# Codes per IN list: well under every database's limit on bound parameters.
CHUNK = 1000


@dataclass(frozen=True)
class AssessmentState:
    id: int
    year: int
    stage: str | None
    status: AssessmentStatus
    total: float | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class ProjectState:
    id: int
    status: ProjectStatus
    status_changed_at: datetime


@dataclass(frozen=True)
class CertificateState:
    number: str
    status: CertificateStatus  # live, as of today
    expires_on: date


@dataclass(frozen=True)
class Result:
    credit_code: str  # as asked (stripped, upper case)
    valid: bool  # the code's check digit holds
    name: str | None = None  # None: no enterprise of this code that the viewer sees
    region_code: str | None = None
    assessment: AssessmentState | None = None
    project: ProjectState | None = None
    certificate: CertificateState | None = None

    @property
    def found(self) -> bool:
        return self.name is not None


def normalised(code: str) -> str:
    return code.strip().upper()


def _latest(
    columns: Sequence[Any], owner: Any, order: Sequence[Any], where: Iterable[Any]
) -> sa.Select:
    """Each organisation's first row by ``order`` (a window, so one statement for all)."""
    ranked = sa.select(
        *columns,
        owner.label("owner"),
        sa.func.row_number().over(partition_by=owner, order_by=order).label("rank"),
    ).where(*where)
    inner = ranked.subquery()
    return sa.select(inner).where(inner.c.rank == 1)


def _checked(codes: Sequence[str], viewer: User, today: date) -> dict[str, Result]:
    """The enterprises of ``codes`` the viewer sees, by code, with their states."""
    orgs = {
        row.id: row
        for row in db.session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.credit_code)
            .add_columns(Organisation.region_code)
            .where(
                Organisation.credit_code.in_(codes),
                Organisation.kind == OrgKind.ENTERPRISE,
                organisation_scope(viewer),
            )
        )
    }
    if not orgs:
        return {}
    ids = list(orgs)
    assessments = {
        row.owner: AssessmentState(
            row.id, row.year, row.stage, row.status, row.total, row.submitted_at
        )
        for row in db.session.execute(
            _latest(
                [
                    Assessment.id,
                    Assessment.year,
                    Assessment.stage,
                    Assessment.status,
                    Assessment.total,
                    Assessment.submitted_at,
                ],
                Assessment.organisation_id,
                [Assessment.year.desc(), Assessment.submitted_at.desc(), Assessment.id.desc()],
                # A draft stays the enterprise's own, as on every authority's page.
                [Assessment.organisation_id.in_(ids), Assessment.status != AssessmentStatus.DRAFT],
            )
        )
    }
    projects = {
        row.owner: ProjectState(row.id, row.status, row.status_changed_at)
        for row in db.session.execute(
            _latest(
                [Project.id, Project.status, Project.status_changed_at],
                Project.organisation_id,
                [Project.created_at.desc(), Project.id.desc()],
                [Project.organisation_id.in_(ids)],
            )
        )
    }
    certificates = {
        row.owner: CertificateState(
            row.number, Certificate.live_status(row.status, row.expires_on, today), row.expires_on
        )
        for row in db.session.execute(
            _latest(
                [Certificate.number, Certificate.status, Certificate.expires_on],
                Certificate.organisation_id,
                [Certificate.effective_on.desc(), Certificate.id.desc()],
                [
                    Certificate.organisation_id.in_(ids),
                    Certificate.status != CertificateStatus.SUPERSEDED,
                ],
            )
        )
    }
    return {
        org.credit_code: Result(
            org.credit_code,
            True,
            org.name,
            org.region_code,
            assessments.get(org_id),
            projects.get(org_id),
            certificates.get(org_id),
        )
        for org_id, org in orgs.items()
    }


def check(codes: Sequence[str], viewer: User) -> list[Result]:
    """A result per code, in the order given (a code asked twice is answered twice)."""
    asked = [normalised(code) for code in codes]
    valid = {code for code in asked if uscc.is_valid(code)}
    ordered = sorted(valid)
    today = local_today()
    known: dict[str, Result] = {}
    for start in range(0, len(ordered), CHUNK):
        known.update(_checked(ordered[start : start + CHUNK], viewer, today))
    return [known.get(code) or Result(code, code in valid) for code in asked]


# --- the web page's Excel upload -------------------------------------------------------------


def read_codes(file: FileStorage) -> list[str]:
    """The credit codes of an uploaded workbook's credit-code column, in file order; UploadError
    when the file as a whole cannot be read (its type, size or columns)."""
    with uploads.checked(file, allowed={"xlsx"}) as upload:  # read, never kept
        sheet = workbook.read(upload.path, (workbook.CREDIT_CODE,))
    return [row.get(workbook.CREDIT_CODE) for row in sheet.rows]


def _remark(result: Result) -> str:
    if not result.valid:
        return _("Not a valid unified social credit code (check digit)")
    if not result.found:
        return _("No enterprise with this code in your region")
    return ""


def _rows(results: Iterable[Result], stages: dict[str, str]) -> Iterator[list[Any]]:
    for result in results:
        assessment, project, certificate = result.assessment, result.project, result.certificate
        yield [
            result.credit_code,
            result.name or "",
            result.region_code or "",
            assessment.year if assessment else None,
            stages.get(assessment.stage or "", "") if assessment else "",
            assessment.status.title if assessment else "",
            assessment.total if assessment else None,
            project.status.title if project else "",
            certificate.number if certificate else "",
            certificate.status.title if certificate else "",
            certificate.expires_on if certificate else None,
            _remark(result),
        ]


def results_xlsx(results: list[Result], stages: dict[str, str], title: str, out: IO[bytes]) -> None:
    header = [
        _("Credit code"),
        _("Enterprise"),
        _("Region code"),
        _("Last self-assessment year"),
        _("Stage"),
        _("Self-assessment status"),
        _("Total score"),
        _("Project status"),
        _("Certificate number"),
        _("Certificate status"),
        _("Valid until"),
        _("Remark"),
    ]
    write_xlsx(
        [Sheet(_("Enterprise check"), header, _rows(results, stages), {6: "0.0"})],
        out,
        title=title,
    )
