"""Sector coverage: per GB/T 4754 section (门类), or per division (大类) of one section, the
evaluators who may audit there on a day — an approved competence in the sector, held by a
person with a valid registration at the same body — in total, for the whole section, the bodies
they belong to and the body chosen; and the enterprises of the sector with a certification
project under way now (the demand). A sector with demand and nobody to audit it is a gap.

An evaluator competent in a section covers each of its divisions; one competent in a division
counts for its section too (the whole-section column says how many cover all of it). One
SELECT per page, whatever the number of evaluators and enterprises."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from app.extensions import db
from blueprints.evaluator_reports.by_body import valid_on
from models import (
    FINISHED_STATUSES,
    EvaluatorCompetence,
    EvaluatorRegistration,
    Industry,
    IndustryLevel,
    Organisation,
    OrgKind,
    Project,
    RecordStatus,
)
from models.reference import localised

C = EvaluatorCompetence


def section_or_none(code: str | None) -> Industry | None:
    """The section a code names in the reference table, else None (the sections are shown)."""
    if not code:
        return None
    found = db.session.get(Industry, code.strip().upper())
    return found if found is not None and found.level is IndustryLevel.SECTION else None


def _competent(as_of: date) -> sa.ColumnElement[bool]:
    """An approved competence of a person whose registration counts on ``as_of``."""
    registered = (
        sa.exists()
        .where(
            EvaluatorRegistration.user_id == C.user_id,
            EvaluatorRegistration.body_id == C.body_id,
            valid_on(as_of),
        )
        .correlate(C)
    )
    return sa.and_(C.status == RecordStatus.APPROVED, registered)


def _under_way() -> sa.ColumnElement[bool]:
    return sa.and_(
        Organisation.kind == OrgKind.ENTERPRISE,
        sa.exists().where(
            Project.organisation_id == Organisation.id,
            Project.status.not_in(FINISHED_STATUSES),
        ),
    )


def _supply(sector: Any, whole: sa.ColumnElement[bool], body_id: int | None) -> list[Any]:
    people = sa.func.count(sa.distinct(C.user_id))
    return [
        people.label("evaluators"),
        people.filter(whole).label("whole"),
        sa.func.count(sa.distinct(C.body_id)).label("bodies"),
        (people.filter(C.body_id == body_id) if body_id else sa.null()).label("of_body"),
        sector.label("sector"),
    ]


def _sections(as_of: date, body_id: int | None) -> tuple[sa.Subquery, sa.Subquery, Any]:
    held = aliased(Industry)
    sector = sa.func.coalesce(held.section_code, held.code)
    supply = (
        sa.select(*_supply(sector, held.level == IndustryLevel.SECTION, body_id))
        .join(held, held.code == C.industry_code)
        .where(_competent(as_of))
        .group_by(sector)
        .subquery("supply")
    )
    of = aliased(Industry)
    demanded = sa.func.coalesce(of.section_code, of.code)
    demand = (
        sa.select(demanded.label("sector"), sa.func.count(Organisation.id).label("enterprises"))
        .join(of, of.code == Organisation.industry_code)
        .where(_under_way())
        .group_by(demanded)
        .subquery("demand")
    )
    return supply, demand, Industry.level == IndustryLevel.SECTION


def _divisions(
    section: Industry, as_of: date, body_id: int | None
) -> tuple[sa.Subquery, sa.Subquery, Any]:
    division = aliased(Industry)
    supply = (
        sa.select(*_supply(division.code, C.industry_code == section.code, body_id))
        .join(
            division,
            sa.or_(C.industry_code == division.code, C.industry_code == division.section_code),
        )
        .where(division.section_code == section.code, _competent(as_of))
        .group_by(division.code)
        .subquery("supply")
    )
    demand = (
        sa.select(
            Organisation.industry_code.label("sector"),
            sa.func.count(Organisation.id).label("enterprises"),
        )
        .join(Industry, Industry.code == Organisation.industry_code)
        .where(Industry.section_code == section.code, _under_way())
        .group_by(Organisation.industry_code)
        .subquery("demand")
    )
    return supply, demand, Industry.section_code == section.code


@dataclass(frozen=True)
class SectorLine:
    code: str
    name: str
    evaluators: int
    whole: int  # of them competent in the whole section
    bodies: int
    of_body: int | None  # the chosen body's evaluators (None: no body chosen)
    enterprises: int  # with a project under way

    @property
    def gap(self) -> bool:
        return self.enterprises > 0 and self.evaluators == 0


def query(
    as_of: date, body_id: int | None, section: Industry | None, gaps: bool = False
) -> sa.Select:
    supply, demand, rows = (
        _divisions(section, as_of, body_id) if section else _sections(as_of, body_id)
    )
    evaluators = sa.func.coalesce(supply.c.evaluators, 0)
    enterprises = sa.func.coalesce(demand.c.enterprises, 0)
    statement = (
        sa.select(
            Industry.code,
            Industry.name,
            Industry.name_en,
            evaluators.label("evaluators"),
            sa.func.coalesce(supply.c.whole, 0).label("whole"),
            sa.func.coalesce(supply.c.bodies, 0).label("bodies"),
            supply.c.of_body,
            enterprises.label("enterprises"),
        )
        .outerjoin(supply, supply.c.sector == Industry.code)
        .outerjoin(demand, demand.c.sector == Industry.code)
        .where(rows)
        .order_by(Industry.code)
    )
    if gaps:
        statement = statement.where(enterprises > 0, evaluators == 0)
    return statement


def lines(as_of: date, body_id: int | None, section: Industry | None, gaps: bool = False):
    return [
        SectorLine(
            code=row.code,
            name=localised(row.name, row.name_en),
            evaluators=row.evaluators,
            whole=row.whole,
            bodies=row.bodies,
            of_body=(row.of_body or 0) if body_id else None,
            enterprises=row.enterprises,
        )
        for row in db.session.execute(query(as_of, body_id, section, gaps))
    ]


def header(section: Industry | None, body_name: str | None) -> list[str]:
    titles = [
        str(_l("Code")),
        str(_l("Sector")),
        str(_l("Evaluators")),
        str(_l("Of them for the whole section")),
        str(_l("Bodies")),
    ]
    if body_name:
        titles.append(str(_l("Of them at %(body)s", body=body_name)))
    titles += [str(_l("Enterprises with projects under way")), str(_l("Gap"))]
    return titles


def rows_of(found: Iterable[SectorLine]) -> Iterator[list[Any]]:
    for line in found:
        cells: list[Any] = [line.code, line.name, line.evaluators, line.whole, line.bodies]
        if line.of_body is not None:
            cells.append(line.of_body)
        cells += [line.enterprises, str(_l("No evaluator")) if line.gap else ""]
        yield cells
