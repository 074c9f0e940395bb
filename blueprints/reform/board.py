"""The programme board (seed 004 一, issue 21 part 6): for the city that runs a programme and
for the counties and districts under it, the target against what happened — enterprises
enrolled, diagnosed, reforming (a project filed), graded after the reform, accepted and
subsidised — by county and by sub-industry; the grade before against the grade after; the
money (budgets, contracts, subsidies approved and paid); and the steps overdue.

Each block is one grouped SQL statement over the programme's engagements, whatever their
number: an enterprise is in one live engagement per programme, so counting engagements counts
enterprises, and each stage is an EXISTS on the engagement's reform projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale

from app.extensions import db
from app.input_boundary import region_prefix_of
from app.security.access import in_region
from app.security.permissions import Permission, has_permission
from blueprints.diagnosis.programmes import Programme, SubIndustry
from blueprints.reference.names import region_name
from models import (
    TARGET_GRADE_LEVEL,
    DiagnosisEngagement,
    EngagementStatus,
    Organisation,
    ReformContract,
    ReformGrading,
    ReformProject,
    ReformStatus,
    ReformSubsidy,
    SmeLevelEvaluation,
    SmeLevelKind,
    SubsidyStatus,
    User,
)

E = EngagementStatus
S = ReformStatus
# Filed with the city: from then on the enterprise is reforming.
FILED = (S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.GRADED, S.ACCEPTED)
# The diagnosis is late while its report is not in after the agreement's term.
BEFORE_REPORT = (E.ENROLLED, E.AGREED, E.ON_SITE, E.REVISING)
OVERDUE_SHOWN = 50
STAGES = ("enrolled", "diagnosed", "reforming", "graded", "accepted", "subsidised")
OTHER = ""  # the key of enterprises outside the target's sub-industries


@dataclass
class Funnel:
    """The enterprises of a group at each stage, and their grades before and after."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    before_sum: int = 0
    before_n: int = 0
    after_sum: int = 0
    after_n: int = 0
    on_target: int = 0  # graded after the reform at the target grade or above

    def add(self, other: Funnel) -> None:
        for stage in STAGES:
            self.counts[stage] += other.counts[stage]
        self.before_sum += other.before_sum
        self.before_n += other.before_n
        self.after_sum += other.after_sum
        self.after_n += other.after_n
        self.on_target += other.on_target

    @property
    def before_mean(self) -> float | None:
        return self.before_sum / self.before_n if self.before_n else None

    @property
    def after_mean(self) -> float | None:
        return self.after_sum / self.after_n if self.after_n else None


@dataclass
class Money:
    projects: int = 0
    budget: Decimal = Decimal(0)
    contracted: Decimal = Decimal(0)
    approved: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)

    def add(self, other: Money) -> None:
        self.projects += other.projects
        self.budget += other.budget
        self.contracted += other.contracted
        self.approved += other.approved
        self.paid += other.paid


@dataclass(frozen=True)
class Group:
    code: str
    name: str


@dataclass
class Board:
    programme: Programme
    today: date
    counties: list[Group]
    sub_industries: list[Group]
    cells: dict[tuple[str, str], Funnel]  # (county, sub-industry) -> funnel
    grades: dict[tuple[int | None, int], int]  # (before, after) -> enterprises
    money: dict[str, Money]  # county -> money
    late_reforms: list[sa.Row]
    late_reforms_total: int
    late_diagnoses_total: int

    @property
    def target(self) -> int | None:
        return self.programme.target.enterprises if self.programme.target else None

    @property
    def target_by(self) -> date | None:
        return self.programme.target.by if self.programme.target else None

    def by_county(self, code: str) -> Funnel:
        return _sum(f for (county, _s), f in self.cells.items() if county == code)

    def by_sub_industry(self, key: str) -> Funnel:
        return _sum(f for (_c, sub), f in self.cells.items() if sub == key)

    @property
    def total(self) -> Funnel:
        return _sum(self.cells.values())

    @property
    def money_total(self) -> Money:
        total = Money()
        for money in self.money.values():
            total.add(money)
        return total

    def share_of_target(self, n: int) -> float | None:
        return n / self.target if self.target else None


def _sum(funnels: Any) -> Funnel:
    total = Funnel()
    for funnel in funnels:
        total.add(funnel)
    return total


def scope(
    user: User, programme: Programme, *, resolved: bool = False
) -> list[sa.ColumnElement[bool]]:
    """The programme's live engagements the user's authority sees: those it enrolled (the
    city that runs the programme) and those of enterprises in its region (a county or
    district, whose enterprises the city enrolled). The platform's administrators see all.

    The two halves are an OR across the engagement and its enterprise, which no index serves:
    PostgreSQL reads every organisation to join them. ``resolved`` gives the scope instead as
    the engagement ids of the two halves, each read by its own index (the authority's
    engagements; the region's enterprises by a range of codes) and united once — for the
    statements that start from the engagements; those that start from the few reform
    projects keep the OR, cheaper there."""
    conditions: list[sa.ColumnElement[bool]] = [
        DiagnosisEngagement.programme_key == programme.id,
        DiagnosisEngagement.status != E.WITHDRAWN,
    ]
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return conditions
    org = user.organisation
    own = DiagnosisEngagement.authority_id == user.organisation_id
    if org is None or not org.region_code:
        conditions.append(own)
        return conditions
    prefix = region_prefix_of(org.region_code)
    if not resolved:
        regional = Organisation.region_code.startswith(prefix, autoescape=True)
        conditions.append(sa.or_(own, regional))
        return conditions
    enrolled, enterprise = sa.orm.aliased(DiagnosisEngagement), sa.orm.aliased(Organisation)
    of_programme = enrolled.programme_key == programme.id
    ids = sa.union(
        sa.select(enrolled.id).where(of_programme, enrolled.authority_id == user.organisation_id),
        sa.select(enrolled.id)
        .join(enterprise, enterprise.id == enrolled.enterprise_id)
        .where(of_programme, in_region(prefix, enterprise.region_code)),
    )
    conditions.append(DiagnosisEngagement.id.in_(ids.scalar_subquery()))
    return conditions


def of(user: User, programme: Programme, today: date) -> Board:
    where = scope(user, programme)
    resolved = scope(user, programme, resolved=True)
    cells, grades = _funnels(resolved, programme), _grades(resolved)
    money = _money(where)
    late, late_total = _late_reforms(where, today)
    counties = sorted({c for c, _s in cells} | set(money))
    subs = list(programme.target.sub_industries) if programme.target else []
    return Board(
        programme=programme,
        today=today,
        counties=[Group(code, region_name(code) or code) for code in counties],
        sub_industries=[*(_sub_group(s) for s in subs), Group(OTHER, "")],
        cells=cells,
        grades=grades,
        money=money,
        late_reforms=late,
        late_reforms_total=late_total,
        late_diagnoses_total=_late_diagnoses(where, today),
    )


def _sub_group(sub: SubIndustry) -> Group:
    return Group(sub.key, sub.title.get(get_locale()))


def _engagements() -> sa.Select:
    return (
        sa.select()
        .select_from(DiagnosisEngagement)
        .join(Organisation, Organisation.id == DiagnosisEngagement.enterprise_id)
    )


def _project_exists(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return (
        sa.select(ReformProject.id)
        .where(ReformProject.engagement_id == DiagnosisEngagement.id, *conditions)
        .exists()
    )


def _flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _grade_before() -> sa.ScalarSelect:
    """The grade of the engagement's latest on-site evaluation (the diagnosis)."""
    return (
        sa.select(SmeLevelEvaluation.grade_level)
        .where(
            SmeLevelEvaluation.engagement_id == DiagnosisEngagement.id,
            SmeLevelEvaluation.kind == SmeLevelKind.ON_SITE,
        )
        .order_by(SmeLevelEvaluation.number.desc())
        .limit(1)
        .scalar_subquery()
    )


def _grade_after() -> sa.ScalarSelect:
    """The grade of the latest grading after the reform of any of the engagement's projects."""
    return (
        sa.select(SmeLevelEvaluation.grade_level)
        .select_from(ReformGrading)
        .join(SmeLevelEvaluation, SmeLevelEvaluation.id == ReformGrading.evaluation_id)
        .join(ReformProject, ReformProject.id == ReformGrading.project_id)
        .where(ReformProject.engagement_id == DiagnosisEngagement.id)
        .order_by(ReformGrading.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _once(per_engagement: sa.Select, name: str) -> sa.CTE:
    """The per-engagement rows of the funnels, worked out once. As a subquery, PostgreSQL
    merges them into the grouping statement and runs the grade subqueries again for each place
    that names their columns (five); a MATERIALIZED CTE (PostgreSQL 12 and later inline a CTE
    named once) runs them once per engagement. Not for the grades: there the filter on the
    grade after goes below, so the grade before is read for the graded few only."""
    return per_engagement.cte(name).prefix_with("MATERIALIZED", dialect="postgresql")


def _sub_industry_key(programme: Programme) -> sa.ColumnElement[str]:
    divisions = {
        d: s.key
        for s in (programme.target.sub_industries if programme.target else ())
        for d in s.divisions
    }
    if not divisions:
        return sa.literal(OTHER)
    return sa.case(divisions, value=Organisation.industry_code, else_=sa.literal(OTHER))


def _funnels(
    where: list[sa.ColumnElement[bool]], programme: Programme
) -> dict[tuple[str, str], Funnel]:
    per_engagement = (
        _engagements()
        .add_columns(
            Organisation.region_code.label("county"),
            _sub_industry_key(programme).label("sub"),
            sa.case((DiagnosisEngagement.status == E.ACCEPTED, 1), else_=0).label("diagnosed"),
            sa.case((_project_exists(ReformProject.status.in_(FILED)), 1), else_=0).label(
                "reforming"
            ),
            sa.case(
                (
                    sa.select(ReformGrading.id)
                    .join(ReformProject, ReformProject.id == ReformGrading.project_id)
                    .where(ReformProject.engagement_id == DiagnosisEngagement.id)
                    .exists(),
                    1,
                ),
                else_=0,
            ).label("graded"),
            sa.case((_project_exists(ReformProject.status == S.ACCEPTED), 1), else_=0).label(
                "accepted"
            ),
            sa.case(
                (
                    sa.select(ReformSubsidy.id)
                    .join(ReformProject, ReformProject.id == ReformSubsidy.project_id)
                    .where(
                        ReformProject.engagement_id == DiagnosisEngagement.id,
                        ReformSubsidy.status == SubsidyStatus.PAID,
                    )
                    .exists(),
                    1,
                ),
                else_=0,
            ).label("subsidised"),
            _grade_before().label("before"),
            _grade_after().label("after"),
        )
        .where(*where)
    )
    e = _once(per_engagement, "per_engagement").c
    rows = db.session.execute(
        sa.select(
            e.county,
            e.sub,
            sa.func.count(),
            sa.func.sum(e.diagnosed),
            sa.func.sum(e.reforming),
            sa.func.sum(e.graded),
            sa.func.sum(e.accepted),
            sa.func.sum(e.subsidised),
            sa.func.sum(e.before),
            sa.func.count(e.before),
            sa.func.sum(e.after),
            sa.func.count(e.after),
            _flag(e.after >= TARGET_GRADE_LEVEL),
        ).group_by(e.county, e.sub)
    )
    cells: dict[tuple[str, str], Funnel] = {}
    for county, sub, *figures in rows:
        n = [int(x or 0) for x in figures]
        cells[(county or "", sub or OTHER)] = Funnel(
            counts=dict(zip(STAGES, n[:6], strict=True)),
            before_sum=n[6],
            before_n=n[7],
            after_sum=n[8],
            after_n=n[9],
            on_target=n[10],
        )
    return cells


def _grades(where: list[sa.ColumnElement[bool]]) -> dict[tuple[int | None, int], int]:
    """Enterprises graded after the reform, by their grade before (None: not graded on site
    in the diagnosis) and after."""
    graded = (
        _engagements()
        .add_columns(_grade_before().label("before"), _grade_after().label("after"))
        .where(*where)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(graded.c.before, graded.c.after, sa.func.count())
        .where(graded.c.after.is_not(None))
        .group_by(graded.c.before, graded.c.after)
    )
    return {(before, after): n for before, after, n in rows}


def _money(where: list[sa.ColumnElement[bool]]) -> dict[str, Money]:
    """By county, the filed projects: their number and budgets, their contracts' prices, the
    subsidies approved (approved or paid) and paid."""
    contracted = (
        sa.select(ReformContract.project_id, sa.func.sum(ReformContract.price).label("price"))
        .group_by(ReformContract.project_id)
        .subquery()
    )
    granted = ReformSubsidy.status.in_((SubsidyStatus.APPROVED, SubsidyStatus.PAID))
    subsidised = (
        sa.select(
            ReformSubsidy.project_id,
            sa.func.sum(sa.case((granted, ReformSubsidy.approved_amount), else_=0)).label(
                "approved"
            ),
            sa.func.sum(sa.func.coalesce(ReformSubsidy.paid_amount, 0)).label("paid"),
        )
        .group_by(ReformSubsidy.project_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Organisation.region_code,
            sa.func.count(ReformProject.id),
            sa.func.sum(ReformProject.budget),
            sa.func.sum(sa.func.coalesce(contracted.c.price, 0)),
            sa.func.sum(sa.func.coalesce(subsidised.c.approved, 0)),
            sa.func.sum(sa.func.coalesce(subsidised.c.paid, 0)),
        )
        .select_from(ReformProject)
        .join(DiagnosisEngagement, DiagnosisEngagement.id == ReformProject.engagement_id)
        .join(Organisation, Organisation.id == DiagnosisEngagement.enterprise_id)
        .outerjoin(contracted, contracted.c.project_id == ReformProject.id)
        .outerjoin(subsidised, subsidised.c.project_id == ReformProject.id)
        .where(*where, ReformProject.status.in_(FILED))
        .group_by(Organisation.region_code)
    )
    return {
        county or "": Money(n, _money_of(budget), _money_of(price), _money_of(ok), _money_of(paid))
        for county, n, budget, price, ok, paid in rows
    }


def _money_of(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _late_reforms(where: list[sa.ColumnElement[bool]], today: date) -> tuple[list[sa.Row], int]:
    """Projects still in implementation after their planned end."""
    late = [*where, ReformProject.status == S.IN_IMPLEMENTATION, ReformProject.ends_on < today]
    base = (
        sa.select()
        .select_from(ReformProject)
        .join(DiagnosisEngagement, DiagnosisEngagement.id == ReformProject.engagement_id)
        .join(Organisation, Organisation.id == DiagnosisEngagement.enterprise_id)
        .where(*late)
    )
    shown = db.session.execute(
        base.add_columns(
            ReformProject.id,
            ReformProject.name,
            ReformProject.ends_on,
            Organisation.name.label("enterprise"),
            Organisation.region_code.label("county"),
        )
        .order_by(ReformProject.ends_on, ReformProject.id)
        .limit(OVERDUE_SHOWN)
    ).all()
    total = db.session.scalar(base.add_columns(sa.func.count(ReformProject.id))) or 0
    return list(shown), total


def _late_diagnoses(where: list[sa.ColumnElement[bool]], today: date) -> int:
    """Diagnoses whose agreement's term passed before the report (listed on the diagnosis
    progress page)."""
    return (
        db.session.scalar(
            _engagements()
            .add_columns(sa.func.count(DiagnosisEngagement.id))
            .where(
                *where,
                DiagnosisEngagement.status.in_(BEFORE_REPORT),
                DiagnosisEngagement.agreement_ends_on < today,
            )
        )
        or 0
    )
