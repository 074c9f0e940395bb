"""Benchmark enterprises (标杆企业, seed 000/001's 对标引导): an authority marks an enterprise of
its region whose self-assessment of a year it approved as an example for its stage and
industry; the reports of that year's enterprises of the same industry division and province
name up to NAMED of them, the most advanced first. The enterprise marked is told."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.access import in_region, region_prefix
from blueprints.assessment.questionnaire_frame import STAGE_KEYS
from models import Assessment, AssessmentStatus, BenchmarkEnterprise, Organisation, OrgKind, User

NAMED = 5
NOTE_MAX = 500


@dataclass(frozen=True)
class Named:
    """A benchmark as a report names it."""

    name: str
    stage: str  # the stage's key
    note: str
    marked_by: str


def _covers(authority: Organisation, code: str | None) -> bool:
    prefix = region_prefix(authority.region_code) if authority.kind == OrgKind.AUTHORITY else None
    return bool(prefix and code and code.startswith(prefix))


def may_mark(assessment: Assessment, authority: Organisation) -> bool:
    return assessment.status == AssessmentStatus.APPROVED and _covers(
        authority, assessment.region_code
    )


def mark_of(assessment: Assessment) -> BenchmarkEnterprise | None:
    return db.session.scalar(
        sa.select(BenchmarkEnterprise).where(BenchmarkEnterprise.assessment_id == assessment.id)
    )


def mark(assessment: Assessment, actor: User, note: str) -> BenchmarkEnterprise:
    authority = actor.organisation
    if not may_mark(assessment, authority):
        raise WorkflowError(
            _("Only an approved self-assessment of your region makes a benchmark enterprise.")
        )
    if mark_of(assessment) is not None:
        raise WorkflowError(_("This enterprise is already a benchmark for this year."))
    benchmark = BenchmarkEnterprise(
        assessment_id=assessment.id,
        organisation_id=assessment.organisation_id,
        marked_by_id=authority.id,
        year=assessment.year,
        stage=assessment.stage or "",
        industry_code=assessment.industry_code,
        region_code=assessment.region_code,
        note=note[:NOTE_MAX],
    )
    db.session.add(benchmark)
    db.session.flush()
    announce("benchmark.mark", benchmark, actor, occurrence=f"benchmark:{benchmark.id}")
    return benchmark


def unmark(assessment: Assessment, actor: User) -> None:
    benchmark = mark_of(assessment)
    if benchmark is None or not _covers(actor.organisation, benchmark.region_code):
        raise WorkflowError(_("This enterprise is not a benchmark your authority can withdraw."))
    db.session.delete(benchmark)
    db.session.flush()


def named_for(assessment: Assessment) -> list[Named]:
    """The benchmarks an enterprise's report names: same year, industry division and province,
    itself left out, the most advanced stage first."""
    if not assessment.industry_code or not assessment.region_code:
        return []
    order = sa.case(
        {key: rank for rank, key in enumerate(reversed(STAGE_KEYS))},
        value=BenchmarkEnterprise.stage,
        else_=len(STAGE_KEYS),
    )
    marker = sa.orm.aliased(Organisation)
    province = assessment.region_code[:2]
    rows = db.session.execute(
        sa.select(
            Organisation.name, BenchmarkEnterprise.stage, BenchmarkEnterprise.note, marker.name
        )
        .join(Organisation, Organisation.id == BenchmarkEnterprise.organisation_id)
        .join(marker, marker.id == BenchmarkEnterprise.marked_by_id)
        .where(
            BenchmarkEnterprise.year == assessment.year,
            BenchmarkEnterprise.industry_code == assessment.industry_code,
            in_region(province, BenchmarkEnterprise.region_code),
            BenchmarkEnterprise.organisation_id != assessment.organisation_id,
        )
        .order_by(order, BenchmarkEnterprise.id)
        .limit(NAMED)
    ).all()
    return [Named(name, stage, note, by) for name, stage, note, by in rows]


def of_region(prefix: str | None, year: int) -> sa.Select:
    """The benchmarks of a year in a region (the country with no prefix), for the statistics."""
    query = (
        sa.select(
            Organisation.name,
            BenchmarkEnterprise.stage,
            BenchmarkEnterprise.industry_code,
            BenchmarkEnterprise.region_code,
            BenchmarkEnterprise.note,
            BenchmarkEnterprise.assessment_id,
        )
        .join(Organisation, Organisation.id == BenchmarkEnterprise.organisation_id)
        .where(BenchmarkEnterprise.year == year)
        .order_by(BenchmarkEnterprise.region_code, BenchmarkEnterprise.id)
    )
    if prefix:
        query = query.where(in_region(prefix, BenchmarkEnterprise.region_code))
    return query
