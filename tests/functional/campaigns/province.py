"""A province as seed 001 has it: Guangdong, with Guangzhou and Foshan, 顺德区 reporting to the
province on its own, enterprises with and without records, drafts and submitted assessments in
two rounds, and a roster."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.clock import local_today
from app.extensions import db
from blueprints.campaigns import services
from models import (
    AssessmentStatus,
    Campaign,
    EnterpriseTag,
    Organisation,
    OrgKind,
    RosterEnterprise,
    RosterTag,
    SeparateReportingUnit,
    User,
)
from tests import factories

S = AssessmentStatus
TIANHE, CHANCHENG, SHUNDE = "440106", "440604", "440606"
GUANGZHOU, FOSHAN, PROVINCE = "440100", "440600", "440000"


@dataclass
class Province:
    province: User
    guangzhou: User
    foshan: User
    round1: Campaign
    round2: Campaign
    enterprises: dict[str, Organisation] = field(default_factory=dict)


def opening(today: date, before: int, days: int) -> date:
    """The first day of a ``days``-day window that holds ``today`` within its year (a round's
    window may not cross New Year): ``before`` days back, or moved by as little as it takes."""
    last = date(today.year, 12, 31) - timedelta(days=days)
    return max(date(today.year, 1, 1), min(today - timedelta(days=before), last))


def launch(authority: User, opens: date, days: int, title: str) -> Campaign:
    plan = services.Launch(
        opens_on=opens,
        closes_on=opens + timedelta(days=days),
        report_due_on=opens + timedelta(days=days + 30),
        title=title,
    )
    return services.launch(authority.organisation, authority, plan)


def on_roster(authority: Organisation, org_or_code, region: str, *tags: EnterpriseTag) -> None:
    code = org_or_code.credit_code if isinstance(org_or_code, Organisation) else org_or_code
    entry = RosterEnterprise(
        credit_code=code,
        name=f"名录企业{code[-4:]}",
        region_code=region,
        imported_by_id=authority.id,
    )
    entry.tags = [RosterTag(tag=t) for t in tags]
    db.session.add(entry)
    db.session.flush()


def build() -> Province:
    today = local_today()
    province = factories.user(factories.organisation(OrgKind.AUTHORITY, region=PROVINCE))
    guangzhou = factories.user(factories.organisation(OrgKind.AUTHORITY, region=GUANGZHOU))
    foshan = factories.user(factories.organisation(OrgKind.AUTHORITY, region=FOSHAN))
    db.session.add(SeparateReportingUnit(authority_id=province.organisation_id, region_code=SHUNDE))
    # Round 1 is open now; round 2 later in the year (or early next year, near December).
    round1 = launch(province, opening(today, 5, 20), 20, "第一轮评估")
    later = round1.closes_on + timedelta(days=5)
    if (later + timedelta(days=5)).year != later.year:
        later = date(later.year + 1, 1, 2)
    round2 = launch(province, later, 5, "第二轮评估")
    made = Province(province, guangzhou, foshan, round1, round2)

    def enterprise(key: str, region: str) -> Organisation:
        org = factories.organisation(region=region, name=f"企业{key}")
        made.enterprises[key] = org
        return org

    factories.assessment(enterprise("e1", TIANHE), status=S.AWAITING_DISTRICT, campaign=round1)
    factories.assessment(enterprise("e2", TIANHE), status=S.DRAFT, campaign=round1)
    factories.assessment(enterprise("e3", CHANCHENG), status=S.APPROVED, campaign=round1)
    factories.assessment(enterprise("e4", SHUNDE), status=S.AWAITING_CITY, campaign=round1)
    factories.assessment(enterprise("e5", SHUNDE), status=S.RETURNED, campaign=round1)
    # In round 2 only, and an enterprise's own assessment: neither counts for round 1.
    factories.assessment(enterprise("e6", TIANHE), status=S.APPROVED, campaign=round2)
    factories.assessment(enterprise("e7", CHANCHENG), status=S.APPROVED)
    # e1 again in round 2: a draft there.
    factories.assessment(made.enterprises["e1"], status=S.DRAFT, campaign=round2)

    authority = province.organisation
    above = EnterpriseTag.ABOVE_SCALE
    for key in ("e1", "e2"):
        on_roster(authority, made.enterprises[key], TIANHE, above)
    on_roster(authority, factories.credit_code("440106"), TIANHE, above)
    on_roster(authority, factories.credit_code("440106"), TIANHE)
    on_roster(authority, made.enterprises["e3"], CHANCHENG, above)
    on_roster(authority, factories.credit_code("440604"), CHANCHENG)
    on_roster(authority, made.enterprises["e4"], SHUNDE, above)
    on_roster(authority, made.enterprises["e5"], SHUNDE, above)
    on_roster(authority, factories.credit_code("440606"), SHUNDE, above)
    db.session.flush()
    return made
