"""Who may sit on an audit team (issue 20, part 2), through the pages, on every kind of audit:
the lead holds a lead qualification valid on the audit's dates, every member a registration
valid on them, the team as a whole holds approved competence in the enterprise's division (or
its section, by setting), and nobody undeclared or with a declared conflict. A refused member
is named beside the team's field (422); a refused lead above the form (409); nothing is
written either way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from blueprints.certificates.services import issue_for
from models import (
    EvaluatorCompetence,
    EvaluatorRegistration,
    ImpartialityDeclaration,
    Organisation,
    Project,
    ProjectStatus,
    RecordStatus,
    RegistrationGrade,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)
from tests import factories
from tests.functional.projects.helpers import act, browser_for
from tests.html import error_beside, soup_of

KINDS = ("stage", "surveillance", "recertification")


@dataclass
class Scene:
    """One audit about to be planned by ``lead`` with ``member``'s help, on ``day``."""

    lead: User
    member: User
    enterprise_id: int
    day: date
    moment: datetime  # the clock while planning
    plan: Callable[[list[int]], object]  # the POST, with the chosen members
    planned: Callable[[], bool]  # whether an audit was set
    field_id: str  # the team's field on the page


def _stage(app) -> Scene:
    parties = factories.Parties()
    project = factories.project(parties, ProjectStatus.ACCEPTED)
    db.session.commit()
    day = date(2026, 6, 20)

    def plan(ids: list[int]):
        return act(
            browser_for(app, parties.lead),
            project.id,
            "plan_stage1",
            {"starts_on": day.isoformat(), "ends_on": day.isoformat(), "member_ids": ids},
        )

    def planned() -> bool:
        db.session.expire_all()
        return db.session.get(Project, project.id).status == ProjectStatus.STAGE1_PLANNED

    return Scene(
        parties.lead,
        parties.evaluator,
        parties.enterprise_org.id,
        day,
        datetime(2026, 6, 15, 2),
        plan,
        planned,
        "plan_stage1-member_ids",
    )


def _schedule(app, kind: ScheduleKind, day: date) -> Scene:
    parties = factories.Parties()
    staff = factories.alliance_staff()
    with time_machine.travel(datetime(2026, 3, 2, 2), tick=False):
        ready = factories.project(parties, ProjectStatus.READY_TO_ISSUE)
        certificate = issue_for(ready, staff)
    for earlier in db.session.scalars(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind != kind
        )
    ):
        if kind is ScheduleKind.RECERTIFICATION:
            earlier.status = ScheduleStatus.DONE
    item = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind == kind
        )
    )
    db.session.commit()
    page = f"/certificates/{certificate.number}"

    def plan(ids: list[int]):
        return browser_for(app, parties.lead).submit(
            page,
            {"starts_on": day.isoformat(), "ends_on": day.isoformat(), "member_ids": ids},
            action=f"{page}/schedule/{item.id}/plan",
        )

    def planned() -> bool:
        db.session.expire_all()
        return db.session.get(ScheduleItem, item.id).audit_id is not None

    return Scene(
        parties.lead,
        parties.evaluator,
        parties.enterprise_org.id,
        day,
        datetime.combine(day, datetime.min.time()) + timedelta(hours=2),
        plan,
        planned,
        "s-team",
    )


def scene_of(app, kind: str) -> Scene:
    if kind == "stage":
        return _stage(app)
    if kind == "surveillance":
        return _schedule(app, ScheduleKind.SURVEILLANCE_1, date(2027, 2, 10))
    return _schedule(app, ScheduleKind.RECERTIFICATION, date(2029, 1, 8))


def _registrations(user: User, grade: RegistrationGrade | None = None):
    query = sa.select(EvaluatorRegistration).where(EvaluatorRegistration.user_id == user.id)
    if grade is not None:
        query = query.where(EvaluatorRegistration.grade == grade)
    return db.session.scalars(query).all()


def _no_competence(user: User) -> None:
    db.session.execute(sa.delete(EvaluatorCompetence).where(EvaluatorCompetence.user_id == user.id))


def _refused_beside(scene: Scene, response, *words: str) -> None:
    assert response.status_code == 422, response.status_code
    message = error_beside(soup_of(response), scene.field_id)
    for word in words:
        assert word in message, message
    assert not scene.planned()


def _refused_above(scene: Scene, response, *words: str) -> None:
    assert response.status_code == 409, response.status_code
    alert = soup_of(response).select_one(".alert-danger")
    assert alert is not None
    for word in words:
        assert word in alert.get_text(), alert.get_text()
    assert not scene.planned()


@pytest.mark.parametrize("kind", KINDS)
def test_a_lead_whose_lead_qualification_lapses_before_the_audit_ends_is_refused(
    app, app_ctx, kind
):
    scene = scene_of(app, kind)
    with time_machine.travel(scene.moment, tick=False):
        [lead_qualification] = _registrations(scene.lead, RegistrationGrade.LEAD)
        lead_qualification.expires_on = scene.day - timedelta(days=1)
        db.session.commit()
        _refused_above(scene, scene.plan([scene.member.id]), scene.lead.name, "组长资格")
        # Approved but still waiting is not enough, nor valid the day after the audit began.
        lead_qualification.expires_on = scene.day + timedelta(days=400)
        lead_qualification.status = RecordStatus.SUBMITTED
        db.session.commit()
        _refused_above(scene, scene.plan([scene.member.id]), scene.lead.name)
        lead_qualification.status = RecordStatus.APPROVED
        lead_qualification.issued_on = scene.day + timedelta(days=1)
        db.session.commit()
        _refused_above(scene, scene.plan([scene.member.id]), scene.lead.name)
        lead_qualification.issued_on = scene.day
        db.session.commit()
        assert scene.plan([scene.member.id]).status_code == 302
        assert scene.planned()


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_without_a_valid_registration_is_refused_beside_the_team(app, app_ctx, kind):
    scene = scene_of(app, kind)
    with time_machine.travel(scene.moment, tick=False):
        for registration in _registrations(scene.member):
            registration.expires_on = scene.day - timedelta(days=1)
        db.session.commit()
        _refused_beside(scene, scene.plan([scene.member.id]), scene.member.name, "注册")
        # The lead alone (qualified, competent) is a team.
        assert scene.plan([]).status_code == 302
        assert scene.planned()


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_without_competence_sits_on_a_team_that_covers_the_division(app, app_ctx, kind):
    scene = scene_of(app, kind)
    with time_machine.travel(scene.moment, tick=False):
        _no_competence(scene.member)
        db.session.commit()
        assert scene.plan([scene.member.id]).status_code == 302  # the lead covers it
        assert scene.planned()


@pytest.mark.parametrize("kind", KINDS)
def test_a_team_that_does_not_cover_the_division_is_refused(app, app_ctx, kind):
    scene = scene_of(app, kind)
    with time_machine.travel(scene.moment, tick=False):
        # The enterprise is of division 34; the lead knows another division of section C only,
        # and the member's competence in 34 still waits for the alliance.
        _no_competence(scene.lead)
        _no_competence(scene.member)
        factories.competence(scene.lead, "35")
        factories.competence(scene.member, "34", status=RecordStatus.SUBMITTED)
        db.session.commit()
        _refused_beside(scene, scene.plan([scene.member.id]), "34", "通用设备制造业")
        db.session.execute(
            sa.update(EvaluatorCompetence)
            .where(EvaluatorCompetence.user_id == scene.member.id)
            .values(status=RecordStatus.APPROVED)
        )
        db.session.commit()
        assert scene.plan([scene.member.id]).status_code == 302
        assert scene.planned()


def test_the_section_rule_lets_a_division_of_the_same_section_cover(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "TEAM_COVERAGE_LEVEL", "section")
    scene = scene_of(app, "stage")
    with time_machine.travel(scene.moment, tick=False):
        _no_competence(scene.lead)
        _no_competence(scene.member)
        factories.competence(scene.lead, "35")  # section C, as the enterprise's 34
        db.session.commit()
        assert scene.plan([]).status_code == 302
    monkeypatch.setitem(app.config, "TEAM_COVERAGE_LEVEL", "division")
    other = scene_of(app, "stage")
    with time_machine.travel(other.moment, tick=False):
        _no_competence(other.lead)
        factories.competence(other.lead, "35")
        _no_competence(other.member)
        db.session.commit()
        _refused_beside(other, other.plan([]), "34")


def test_an_enterprise_without_an_industry_has_no_team_shown_competent(app, app_ctx):
    scene = scene_of(app, "stage")
    with time_machine.travel(scene.moment, tick=False):
        db.session.execute(
            sa.text("UPDATE organisations SET industry_code = NULL WHERE id = :id"),
            {"id": scene.enterprise_id},
        )
        db.session.commit()
        _refused_beside(scene, scene.plan([scene.member.id]), "GB/T 4754")


@pytest.mark.parametrize("kind", KINDS)
def test_the_undeclared_and_the_conflicted_are_refused_beside_the_team(app, app_ctx, kind):
    scene = scene_of(app, kind)
    with time_machine.travel(scene.moment, tick=False):
        db.session.execute(
            sa.delete(ImpartialityDeclaration).where(
                ImpartialityDeclaration.user_id == scene.member.id
            )
        )
        db.session.commit()
        _refused_beside(scene, scene.plan([scene.member.id]), scene.member.name, "承诺书")
        factories.declaration(scene.member)
        factories.conflict(scene.member, db.session.get(Organisation, scene.enterprise_id))
        db.session.commit()
        _refused_beside(scene, scene.plan([scene.member.id]), scene.member.name)


def test_the_lead_chosen_on_acceptance_holds_a_valid_lead_qualification(app, app_ctx):
    parties = factories.Parties()
    applied = factories.project(parties, ProjectStatus.APPLIED)
    for registration in _registrations(parties.evaluator, RegistrationGrade.LEAD):
        registration.grade = RegistrationGrade.SENIOR
    db.session.commit()
    browser = browser_for(app, parties.lead)
    refused = act(
        browser, applied.id, "accept_application", {"lead_evaluator_id": parties.evaluator.id}
    )
    assert refused.status_code == 422
    message = error_beside(soup_of(refused), "accept_application-lead_evaluator_id")
    assert parties.evaluator.name in message and "组长资格" in message
    db.session.expire_all()
    assert db.session.get(Project, applied.id).status == ProjectStatus.APPLIED
    accepted = act(
        browser, applied.id, "accept_application", {"lead_evaluator_id": parties.lead.id}
    )
    assert accepted.status_code == 302


def test_the_candidates_show_their_qualification_and_the_coverage(app, app_ctx, count_queries):
    scene = scene_of(app, "stage")
    with time_machine.travel(scene.moment, tick=False):
        _no_competence(scene.member)
        db.session.commit()
        project_id = db.session.scalar(
            sa.select(Project.id).where(Project.organisation_id == scene.enterprise_id)
        )
        browser = browser_for(app, scene.lead)
        page = soup_of(browser.get(f"/projects/{project_id}"))
        options = [o.get_text() for o in page.select(f"#{scene.field_id} option")]
        [member] = [o for o in options if scene.member.name in o]
        assert "组长资格至 2099-12-31" in member and "不胜任 34" in member
        note = page.find(id=f"{scene.field_id}-help").get_text()
        assert "34 通用设备制造业" in note and scene.lead.name in note, note
        assert scene.member.name not in note
        assert scene.lead.name not in [o.split(" (")[0] for o in options]  # the lead leads
        # More candidates cost no more queries.
        with count_queries() as few:
            browser.get(f"/projects/{project_id}")
        body = db.session.get(User, scene.member.id).organisation
        for _n in range(5):
            factories.user(body, role=scene.member.role)
        db.session.commit()
        with count_queries() as many:
            browser.get(f"/projects/{project_id}")
        assert many.count == few.count
