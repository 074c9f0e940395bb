"""The evaluator register through its pages: a body's administrator records a person's
registrations, sector competence and training, each registration and sector submitted for the
alliance's approval; the alliance approves or returns with a reason (two approvers cannot both
decide: 409); another body's people are not found, an evaluator reads their own record only,
the public nobody's; the list searches, filters, sorts, pages and exports exactly its rows;
reminders go once at 90 and 30 days in each recipient's language; the pages cost a bounded
number of queries."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.clock import local_today
from app.extensions import db
from blueprints.evaluators import tasks
from models import (
    Audit,
    AuditKind,
    AuditTeamMember,
    EvaluatorCompetence,
    EvaluatorRegistration,
    EvaluatorTraining,
    Notification,
    OrgKind,
    OutboxMessage,
    RecordStatus,
    RegistrationGrade,
    Role,
)
from tests import factories
from tests.functional.projects.helpers import browser_for


@pytest.fixture
def world(app_ctx):
    parties = factories.Parties(registered=False)
    parties.evaluator.name = "张评定"
    staff = factories.alliance_staff()
    other = factories.Parties(registered=False)
    db.session.commit()
    return parties, staff, other


def page_of(user_id: int) -> str:
    return f"/evaluators/people/{user_id}"


def register(browser, person_id: int, **fields):
    data = {
        "grade": "evaluator",
        "number": "PJ-2026-001",
        "issued_on": "2026-01-01",
        "expires_on": "2029-01-01",
        **fields,
    }
    return browser.submit(
        page_of(person_id), data, action=f"/evaluators/people/{person_id}/registrations"
    )


def decide(browser, registration: EvaluatorRegistration, action: str, **extra):
    data = {"action": action, "version": str(registration.lock_version), **extra}
    return browser.submit(
        page_of(registration.user_id),
        data,
        action=f"/evaluators/registrations/{registration.id}/decide",
    )


def the_registration() -> EvaluatorRegistration:
    db.session.expire_all()
    return db.session.scalars(sa.select(EvaluatorRegistration)).one()


def test_the_body_records_and_the_alliance_approves_or_returns(app, world):
    parties, staff, _other = world
    body = browser_for(app, parties.lead)
    response = register(body, parties.evaluator.id)
    assert response.status_code == 302
    registration = the_registration()
    assert registration.status is RecordStatus.SUBMITTED
    assert registration.body_id == parties.body_org.id
    # The alliance hears of it, and finds it on its work list.
    assert db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == staff.id,
            Notification.key.like("evaluator_record.submitted:%"),
        )
    )
    alliance = browser_for(app, staff)
    dashboard = alliance.get("/dashboard").get_data(as_text=True)
    assert "张评定" in dashboard and "work-evaluator_registrations" in dashboard
    # A return needs a reason, said beside the field.
    assert decide(alliance, registration, "return").status_code == 422
    assert decide(alliance, registration, "forged").status_code == 409
    response = decide(alliance, registration, "return", reason="证书编号与证书不符")
    assert response.status_code == 302
    registration = the_registration()
    assert registration.status is RecordStatus.RETURNED
    assert registration.return_reason == "证书编号与证书不符"
    assert "证书编号与证书不符" in body.get(page_of(parties.evaluator.id)).get_data(as_text=True)
    assert "work-evaluator_returned" in body.get("/dashboard").get_data(as_text=True)
    # Corrected and submitted again, then approved.
    response = body.submit(
        page_of(parties.evaluator.id),
        {
            "grade": "senior",
            "number": "PJ-2026-009",
            "issued_on": "2026-01-01",
            "expires_on": "2029-01-01",
            "version": str(registration.lock_version),
        },
        action=f"/evaluators/registrations/{registration.id}/resubmit",
    )
    assert response.status_code == 302
    registration = the_registration()
    assert (registration.status, registration.grade) == (
        RecordStatus.SUBMITTED,
        RegistrationGrade.SENIOR,
    )
    assert decide(alliance, registration, "approve").status_code == 302
    registration = the_registration()
    assert registration.status is RecordStatus.APPROVED
    assert registration.decided_by_id == staff.id
    # The person hears of it.
    assert db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == parties.evaluator.id,
            Notification.key.like("evaluator_record.approve:%"),
        )
    )


def test_two_approvers_cannot_both_decide(app, world):
    parties, staff, _other = world
    register(browser_for(app, parties.lead), parties.evaluator.id)
    registration = the_registration()
    first, second = browser_for(app, staff), browser_for(app, factories.alliance_staff())
    assert decide(first, registration, "approve").status_code == 302
    response = decide(second, registration, "return", reason="重复")
    assert response.status_code == 409
    assert the_registration().status is RecordStatus.APPROVED


def test_bad_fields_come_back_beside_the_field_with_the_input_kept(app, world):
    parties, _staff, _other = world
    body = browser_for(app, parties.lead)
    response = register(body, parties.evaluator.id, number="KEEP-ME", expires_on="2025-12-31")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "KEEP-ME" in html and "invalid-feedback" in html
    response = register(body, parties.evaluator.id, grade="forged")
    assert response.status_code == 422
    for hours in ("0", "1001", "x"):
        response = body.submit(
            page_of(parties.evaluator.id),
            {"taken_on": "2026-03-01", "course": "认证规则", "hours": hours, "provider": "联盟"},
            action=f"/evaluators/people/{parties.evaluator.id}/trainings",
        )
        assert response.status_code == 422, hours
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluatorRegistration)) == 0
    # The same number twice: refused on the page.
    assert register(body, parties.evaluator.id).status_code == 302
    assert register(body, parties.lead.id).status_code == 409


def test_competence_and_training_are_recorded(app, world):
    parties, staff, _other = world
    body = browser_for(app, parties.lead)
    person = parties.evaluator.id
    for code in ("C", "34"):
        response = body.submit(
            page_of(person),
            {"industry_code": code},
            action=f"/evaluators/people/{person}/competences",
        )
        assert response.status_code == 302, code
    bad = body.submit(
        page_of(person), {"industry_code": "ZZ"}, action=f"/evaluators/people/{person}/competences"
    )
    assert bad.status_code == 422
    for day, hours in (("2026-03-01", 16), ("2026-05-01", 8), ("2025-05-01", 24)):
        response = body.submit(
            page_of(person),
            {"taken_on": day, "course": "认证规则", "hours": str(hours), "provider": "联盟"},
            action=f"/evaluators/people/{person}/trainings",
        )
        assert response.status_code == 302
    competence = db.session.scalars(
        sa.select(EvaluatorCompetence).where(EvaluatorCompetence.industry_code == "34")
    ).one()
    alliance = browser_for(app, staff)
    response = alliance.submit(
        page_of(person),
        {"action": "approve", "version": str(competence.lock_version)},
        action=f"/evaluators/competences/{competence.id}/decide",
    )
    assert response.status_code == 302
    html = browser_for(app, parties.evaluator).get("/evaluators/me").get_data(as_text=True)
    assert "2026: 24" in html.replace("小时", " hours") or "24" in html
    assert "<form" not in html.split('id="registrations-title"')[1]  # read only
    # Deleting a training asks first.
    training = db.session.scalars(sa.select(EvaluatorTraining)).first()
    action = f"/evaluators/trainings/{training.id}/delete"
    assert body.submit(page_of(person), {}, action=action).status_code == 422
    assert body.submit(page_of(person), {"confirm": "y"}, action=action).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluatorTraining)) == 2


def test_who_may_see_and_record_whom(app, world):
    parties, staff, other = world
    body = browser_for(app, parties.lead)
    # Another body's person: not found, to see or to record.
    assert body.get(page_of(other.evaluator.id)).status_code == 404
    assert register(body, other.evaluator.id).status_code == 404
    # An evaluator reads their own record and nobody else's, and records nothing.
    evaluator = browser_for(app, parties.evaluator)
    assert evaluator.get("/evaluators/me").status_code == 200
    assert evaluator.get(page_of(parties.evaluator.id)).status_code == 200
    assert evaluator.get(page_of(parties.lead.id)).status_code == 404
    assert evaluator.get("/evaluators/").status_code == 403
    assert register(evaluator, parties.evaluator.id).status_code == 403
    register(body, parties.evaluator.id)
    registration = the_registration()
    # Nobody but the alliance decides.
    assert decide(body, registration, "approve").status_code == 403
    # The public: signed out.
    anonymous = app.test_client()
    for url in ("/evaluators/", "/evaluators/me", page_of(parties.evaluator.id)):
        assert anonymous.get(url).status_code in (302, 401), url
    # The alliance sees every body's people, and records nobody's.
    alliance = browser_for(app, staff)
    assert alliance.get(page_of(other.evaluator.id)).status_code == 200
    assert register(alliance, other.evaluator.id, number="X-1").status_code == 403


@pytest.fixture
def listed_world(world):
    parties, _staff, other = world
    today = local_today()
    other.body_org.name = "华南评定中心"
    parties.body_org.name = "华东评定中心"
    made = (
        (parties.evaluator, RegistrationGrade.EVALUATOR, "A-001", 20, RecordStatus.APPROVED),
        (parties.lead, RegistrationGrade.LEAD, "L-002", 200, RecordStatus.APPROVED),
        (parties.lead, RegistrationGrade.SENIOR, "S-003", 60, RecordStatus.SUBMITTED),
        (other.evaluator, RegistrationGrade.EVALUATOR, "A-004", 80, RecordStatus.RETURNED),
    )
    for person, grade, number, days, status in made:
        db.session.add(
            EvaluatorRegistration(
                user_id=person.id,
                body_id=person.organisation_id,
                grade=grade,
                number=number,
                issued_on=today - timedelta(days=1000),
                expires_on=today + timedelta(days=days),
                status=status,
            )
        )
    db.session.commit()
    return world


def listed(browser, **args) -> list[str]:
    html = browser.get("/evaluators/", query_string=args).get_data(as_text=True)
    return [
        code.get_text(strip=True)
        for code in BeautifulSoup(html, "html.parser").select("table tbody tr td code")
    ]


def test_the_list_searches_filters_sorts_pages_and_exports_its_rows(app, listed_world, monkeypatch):
    parties, staff, _other = listed_world
    alliance = browser_for(app, staff)
    assert listed(alliance) == ["A-001", "S-003", "A-004", "L-002"]  # the soonest first
    assert listed(alliance, q="张评定") == ["A-001"]
    assert listed(alliance, q="s-00") == ["S-003"]
    assert listed(alliance, body=str(parties.body_org.id)) == ["A-001", "S-003", "L-002"]
    assert listed(alliance, grade="evaluator") == ["A-001", "A-004"]
    assert listed(alliance, status="returned") == ["A-004"]
    assert listed(alliance, expiring="60") == ["A-001", "S-003"]
    assert listed(alliance, sort="-number") == ["S-003", "L-002", "A-004", "A-001"]
    assert listed(alliance, sort="body")[-1] == "A-004"  # 华南 after 华东
    for args in ({"grade": "x"}, {"expiring": "-5"}, {"body": "x"}, {"sort": "z" * 300}):
        assert alliance.get("/evaluators/", query_string=args).status_code == 200
    # The body: its own people only.
    assert listed(browser_for(app, parties.lead)) == ["A-001", "S-003", "L-002"]
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    args = {"grade": "evaluator", "sort": "-expires"}
    html = alliance.get("/evaluators/", query_string=args).get_data(as_text=True)
    following = BeautifulSoup(html, "html.parser").select_one(".pagination a[href*='page=2']")
    assert "grade=evaluator" in following["href"] and "sort=-expires" in following["href"]
    shown = [n for page in (1, 2) for n in listed(alliance, page=page, **args)]
    assert shown == ["A-004", "A-001"]
    response = alliance.get("/evaluators/registrations.xlsx", query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "注册证书编号"
    assert [row[3] for row in rows[1:]] == shown


def _reminders(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.title)
            .where(
                Notification.user_id == user.id,
                Notification.key.like("evaluator_registration.expiring:%"),
            )
            .order_by(Notification.id)
        )
    )


def test_reminders_go_once_at_90_and_30_days_in_each_language(app_ctx, time_machine):
    parties = factories.Parties(registered=False)
    parties.evaluator.locale = "en"
    today = local_today()
    registration = EvaluatorRegistration(
        user_id=parties.evaluator.id,
        body_id=parties.body_org.id,
        grade=RegistrationGrade.EVALUATOR,
        number="R-100",
        issued_on=today - timedelta(days=1000),
        expires_on=today + timedelta(days=120),
        status=RecordStatus.APPROVED,
    )
    db.session.add(registration)
    db.session.flush()
    assert tasks.remind() == 0
    time_machine.move_to(today + timedelta(days=31))  # 89 days left
    assert tasks.remind() == 1
    assert tasks.remind() == 0
    [english] = _reminders(parties.evaluator)
    [chinese] = _reminders(parties.lead)  # the body's contact, in Chinese
    assert "R-100" in english and "expires on" in english
    assert "R-100" in chinese and "到期" in chinese
    time_machine.move_to(today + timedelta(days=95))  # 25 days left
    assert tasks.remind() == 1
    assert tasks.remind() == 0
    assert len(_reminders(parties.evaluator)) == 2
    emails = db.session.scalars(
        sa.select(OutboxMessage.locale).where(
            OutboxMessage.dedup_key.like("evaluator_registration.expiring:%")
        )
    ).all()
    assert sorted(emails) == ["en", "en", "zh", "zh"]
    time_machine.move_to(today + timedelta(days=121))
    assert tasks.remind() == 0


def test_audits_done_are_counted_from_the_audit_history(app, world):
    parties, staff, _other = world
    project = factories.project(parties)
    for n in range(3):
        audit = Audit(
            project_id=project.id,
            kind=AuditKind.STAGE1,
            starts_on=date(2026, 1, 1 + n),
            ends_on=date(2026, 1, 1 + n),
            completed_on=date(2026, 1, 1 + n) if n else None,
        )
        audit.team = [AuditTeamMember(user=parties.evaluator, is_lead=n == 1)]
        db.session.add(audit)
    db.session.commit()
    html = browser_for(app, staff).get(page_of(parties.evaluator.id)).get_data(as_text=True)
    assert "2" in BeautifulSoup(html, "html.parser").select_one("p.text-muted").get_text()


def test_the_pages_cost_the_same_queries_for_few_rows_or_many(app, world, count_queries):
    parties, staff, _other = world
    alliance = browser_for(app, staff)
    today = local_today()

    def add(n: int) -> None:
        for i in range(n):
            db.session.add(
                EvaluatorRegistration(
                    user_id=parties.evaluator.id,
                    body_id=parties.body_org.id,
                    grade=RegistrationGrade.EVALUATOR,
                    number=f"Q-{local_today()}-{i}-{n}",
                    issued_on=today - timedelta(days=10),
                    expires_on=today + timedelta(days=100 + i),
                    status=RecordStatus.SUBMITTED,
                )
            )
            db.session.add(
                EvaluatorTraining(
                    user_id=parties.evaluator.id,
                    body_id=parties.body_org.id,
                    taken_on=today,
                    course="课程",
                    hours=2,
                    provider="联盟",
                )
            )
        db.session.commit()

    def cost() -> tuple[int, int]:
        counts = []
        for url in ("/evaluators/", page_of(parties.evaluator.id)):
            with count_queries() as counter:
                assert alliance.get(url).status_code == 200
            counts.append(counter.count)
        return counts[0], counts[1]

    add(1)
    few = cost()
    add(15)
    assert cost() == few


def test_an_administrator_sees_every_body_but_has_no_record_of_their_own(app, world):
    parties, _staff, _other = world
    admin = factories.user(factories.organisation(OrgKind.ALLIANCE), role=Role.ADMIN)
    db.session.commit()
    browser = browser_for(app, admin)
    assert browser.get("/evaluators/").status_code == 200
    assert browser.get(page_of(parties.evaluator.id)).status_code == 200
    assert browser.get("/evaluators/me").status_code == 403


def test_a_returned_sector_is_submitted_again(app, world):
    parties, staff, _other = world
    person = parties.evaluator.id
    body = browser_for(app, parties.lead)
    body.submit(
        page_of(person), {"industry_code": "C"}, action=f"/evaluators/people/{person}/competences"
    )
    competence = db.session.scalars(sa.select(EvaluatorCompetence)).one()
    alliance = browser_for(app, staff)
    response = alliance.submit(
        page_of(person),
        {"action": "return", "reason": "缺少证明", "version": str(competence.lock_version)},
        action=f"/evaluators/competences/{competence.id}/decide",
    )
    assert response.status_code == 302
    db.session.expire_all()
    competence = db.session.get(EvaluatorCompetence, competence.id)
    page = body.get(page_of(person)).get_data(as_text=True)
    assert "缺少证明" in page and f"/evaluators/competences/{competence.id}/resubmit" in page
    action = f"/evaluators/competences/{competence.id}/resubmit"
    stale = {"version": str(competence.lock_version - 1)}
    assert body.submit(page_of(person), stale, action=action).status_code == 409
    fresh = {"version": str(competence.lock_version)}
    assert body.submit(page_of(person), fresh, action=action).status_code == 302
    db.session.expire_all()
    assert db.session.get(EvaluatorCompetence, competence.id).status is RecordStatus.SUBMITTED
    # The evaluator themself may not.
    evaluator = browser_for(app, parties.evaluator)
    assert evaluator.submit("/evaluators/me", fresh, action=action).status_code == 403
