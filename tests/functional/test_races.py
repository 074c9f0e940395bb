"""One winner in every race: N identical requests at once (a double click, a retry, two tabs)
→ exactly one succeeds, the others get 409, and the history holds one row.

Each state machine is raced through its real route, on a database with real commits (each
request its own transaction, as in production), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from blueprints.demo.engagements import fill_forms
from blueprints.demo.projects import pdf_file
from blueprints.diagnosis import sme_level
from blueprints.engagements import services as engagements
from models import (
    Assessment,
    AssessmentStatus,
    Audit,
    CertificateEvent,
    CertificateStatus,
    CorrectiveAction,
    DiagnosisEngagement,
    DiagnosisEngagementEvent,
    DiagnosisFormEntry,
    EngineerTitle,
    Finding,
    FindingKind,
    FindingStatus,
    Objection,
    ObjectionStatus,
    OrgKind,
    Project,
    ProjectEvent,
    ProjectStatus,
    ScheduleItem,
    ScheduleKind,
    SmeLevelEvaluation,
    User,
)
from tests import factories
from tests.conftest import Browser

RACERS = 8


def race(app, email: str, page: str, url: str, form: dict) -> list[str]:
    """POST ``form`` to ``url`` from RACERS clients of one signed-in user, all at once."""
    first = Browser(app.test_client())
    assert first.login(email, factories.PASSWORD).status_code == 302
    token = first.token(page)
    clients = []
    for _ in range(RACERS):
        client = app.test_client()
        for name in ("session", "remember_token"):
            cookie = first.client.get_cookie(name)
            if cookie is not None:
                client.set_cookie(cookie.key, cookie.value)
        clients.append(client)
    barrier = threading.Barrier(RACERS)
    results: list[str] = []

    def post(client) -> None:
        barrier.wait()
        try:
            response = client.post(url, data={**form, "csrf_token": token})
            results.append(str(response.status_code))
        except Exception as exc:  # a crash must fail the test, not vanish with the thread
            results.append(repr(exc))

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(results)


ONE_WINNER = ["302"] + ["409"] * (RACERS - 1)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def setup(app, build: Callable[[], dict]) -> dict:
    with app.app_context():
        made = build()
        db.session.commit()
        return made


def test_a_step_is_completed_once(module_committed_app):
    """The double submit of a consulting step: the form carries the version it was shown."""
    app = module_committed_app

    def build():
        parties = factories.Parties()
        project = factories.project(parties, ProjectStatus.KICKOFF)
        project.steps[0].started_on = date.today() - timedelta(days=5)
        return {"id": project.id, "email": parties.consultant.email, "version": 1}

    made = setup(app, build)
    with app.app_context():
        made["version"] = db.session.get(Project, made["id"]).lock_version
    results = race(
        app,
        made["email"],
        f"/projects/{made['id']}",
        f"/projects/{made['id']}/actions/complete_step",
        {"completed_on": date.today().isoformat(), "version": made["version"]},
    )
    assert results == ONE_WINNER, results
    with app.app_context():
        project = db.session.get(Project, made["id"])
        assert project.status == ProjectStatus.SURVEY  # one step on, not two
    assert count(app, ProjectEvent, ProjectEvent.project_id == made["id"],
                 ProjectEvent.action == "complete_step") == 1  # fmt: skip


def test_an_enterprise_starts_one_project(module_committed_app):
    app = module_committed_app

    def build():
        parties = factories.Parties()
        return {"org": parties.enterprise_org.id, "email": parties.enterprise.email}

    made = setup(app, build)
    results = race(
        app,
        made["email"],
        "/projects/",
        "/projects/start",
        {"scope": "研发与生产", "capabilities": "数据驱动的生产管控能力"},
    )
    assert results == ONE_WINNER, results
    assert count(app, Project, Project.organisation_id == made["org"]) == 1


def test_consulting_ourselves_is_chosen_once(module_committed_app):
    app = module_committed_app

    def build():
        parties = factories.Parties()
        project = factories.project(parties, ProjectStatus.STARTED)
        return {"id": project.id, "email": parties.enterprise.email}

    made = setup(app, build)
    url = f"/projects/{made['id']}/actions/consult_ourselves"
    assert race(app, made["email"], f"/projects/{made['id']}", url, {}) == ONE_WINNER
    assert count(app, ProjectEvent, ProjectEvent.project_id == made["id"],
                 ProjectEvent.action == "consult_ourselves") == 1  # fmt: skip


def test_a_self_assessment_is_started_once_a_year(module_committed_app):
    app = module_committed_app

    def build():
        org = factories.organisation(region="310115")
        owner = factories.user(org, is_org_admin=True)
        return {"org": org.id, "email": owner.email}

    made = setup(app, build)
    results = race(app, made["email"], "/assessments/", "/assessments/start", {})
    # The start opens the questionnaire (a redirect): the losers find this year's taken.
    assert results == ONE_WINNER, results
    assert count(app, Assessment, Assessment.organisation_id == made["org"]) == 1


def test_an_sme_level_evaluation_is_recorded_once(module_committed_app):
    app = module_committed_app
    table = sme_level.table()

    def build():
        org = factories.organisation(region="220102")
        return {"org": org.id, "email": factories.user(org).email}

    made = setup(app, build)
    form = {f"points_{i.key}": "2" for i in table.indicators}
    form |= {f"level_{s.key}": "1" for s in table.scenarios}
    form |= {"pledge": "y", "after_number": "0"}
    results = race(app, made["email"], "/diagnosis/sme-level/new", "/diagnosis/sme-level/new", form)
    assert results == ONE_WINNER, results
    where = SmeLevelEvaluation.organisation_id == made["org"]
    assert count(app, SmeLevelEvaluation, where) == 1


def test_an_enterprise_is_enrolled_once_and_a_work_group_goes_on_site_once(
    module_committed_app,
):
    app = module_committed_app

    def build():
        city = factories.organisation(OrgKind.AUTHORITY, region="220100")
        enterprise = factories.organisation(region="220102")
        provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
        factories.assessment(enterprise, status=AssessmentStatus.APPROVED)
        return {
            "authority": factories.user(city).email,
            "code": enterprise.credit_code,
            "provider": provider.id,
            "expert": factories.user(provider).email,
            "enterprise": factories.user(enterprise).email,
        }

    made = setup(app, build)
    form = {"programme": "nmg_offline", "credit_code": made["code"],
            "provider": str(made["provider"])}  # fmt: skip
    results = race(app, made["authority"], "/engagements/", "/engagements/", form)
    # A loser that finds the enrolment made is told beside the credit code (422); one that
    # races it to the unique index gets 409.
    assert results.count("302") == 1 and set(results) <= {"302", "409", "422"}, results
    assert count(app, DiagnosisEngagement) == 1

    def group():
        engagement = db.session.scalars(sa.select(DiagnosisEngagement)).one()
        expert = db.session.scalar(sa.select(User).where(User.email == made["expert"]))
        engagements.file_agreement(engagement, expert, date.today(), pdf_file("协议.pdf"))
        for n, name in enumerate(("郑专家", "冯工", "王工")):
            engagements.add_member(engagement, expert, name=name, unit="",
                                   title=EngineerTitle.MID, lead=n == 0, expert=n == 0,
                                   pledged_on=date.today())  # fmt: skip
        return {"id": engagement.id, "version": engagement.lock_version}

    grouped = setup(app, group)
    engagement_id = grouped["id"]
    page = f"/engagements/{engagement_id}"
    # The plan's row posted from one page at once: one row, the others are told (409).
    row = {"value_phase": "preparation", "value_task": "收集资料", "value_owner": "郑专家",
           "value_starts_on": date.today().isoformat(), "value_ends_on": date.today().isoformat(),
           "version": str(grouped["version"])}  # fmt: skip
    results = race(app, made["expert"], f"{page}/forms/plan", f"{page}/forms/plan", row)
    assert results == ONE_WINNER, results
    assert count(app, DiagnosisFormEntry) == 1

    def forms():
        engagement = db.session.get(DiagnosisEngagement, engagement_id)
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        fill_forms(engagement, "start", provider=users[made["expert"]],
                   enterprise=users[made["enterprise"]], day=date.today())  # fmt: skip
        return {}

    setup(app, forms)
    results = race(app, made["expert"], page, f"{page}/start", {})
    assert results == ONE_WINNER, results
    assert count(app, DiagnosisEngagementEvent, DiagnosisEngagementEvent.action == "start") == 1


def test_a_certificate_is_suspended_once(module_committed_app):
    app = module_committed_app

    def build():
        staff = factories.alliance_staff()
        certificate = factories.certificate(factories.Parties(), staff=staff)
        return {"number": certificate.number, "id": certificate.id, "email": staff.email}

    made = setup(app, build)
    number = made["number"]
    results = race(
        app,
        made["email"],
        f"/certificates/{number}",
        f"/certificates/{number}/actions/suspend",
        {"reason": "监督评定逾期", "version": 1},
    )
    assert results == ONE_WINNER, results
    assert count(app, CertificateEvent, CertificateEvent.certificate_id == made["id"],
                 CertificateEvent.to_status == CertificateStatus.SUSPENDED) == 1  # fmt: skip


def test_an_answer_is_accepted_once(module_committed_app):
    app = module_committed_app

    def build():
        parties = factories.Parties()
        project = factories.project(parties, ProjectStatus.CORRECTION)
        audit = db.session.scalar(sa.select(Audit).where(Audit.project_id == project.id))
        finding = Finding(
            audit_id=audit.id,
            kind=FindingKind.MINOR,
            clause_code="9.3",
            description="内部审核记录不完整",
            status=FindingStatus.ANSWERED,
            created_by_id=parties.lead.id,
        )
        finding.actions = [
            CorrectiveAction(
                cause="原因",
                correction="纠正",
                action="措施",
                submitted_by_id=parties.enterprise.id,
            )
        ]
        db.session.add(finding)
        db.session.flush()
        return {"id": finding.id, "audit": audit.id, "email": parties.lead.email}

    made = setup(app, build)
    results = race(
        app,
        made["email"],
        f"/audits/{made['audit']}",
        f"/audits/findings/{made['id']}/decision",
        {"decision": "accept", "version": 1},
    )
    assert results == ONE_WINNER, results
    decided = count(
        app, CorrectiveAction, CorrectiveAction.finding_id == made["id"],
        CorrectiveAction.decided_at.is_not(None),
    )  # fmt: skip
    assert decided == 1


def test_a_surveillance_audit_is_planned_once(module_committed_app):
    app = module_committed_app

    def build():
        parties = factories.Parties()
        certificate = factories.certificate(parties)
        item = db.session.scalar(
            sa.select(ScheduleItem).where(
                ScheduleItem.certificate_id == certificate.id,
                ScheduleItem.kind == ScheduleKind.SURVEILLANCE_1,
            )
        )
        project_id = certificate.project_id
        return {"number": certificate.number, "item": item.id, "project": project_id,
                "email": parties.lead.email}  # fmt: skip

    made = setup(app, build)
    today = date.today().isoformat()
    results = race(
        app,
        made["email"],
        f"/certificates/{made['number']}",
        f"/certificates/{made['number']}/schedule/{made['item']}/plan",
        {"starts_on": today, "ends_on": today, "version": 1},
    )
    assert results == ONE_WINNER, results
    assert count(app, Audit, Audit.project_id == made["project"],
                 Audit.kind == "surveillance") == 1  # fmt: skip


def test_an_objection_is_decided_once(module_committed_app):
    app = module_committed_app

    def build():
        parties = factories.Parties()
        staff = factories.alliance_staff()
        objection = factories.objection(
            factories.project(parties, ProjectStatus.IN_PUBLICITY), staff
        )
        return {"id": objection.id, "email": staff.email}

    made = setup(app, build)
    results = race(
        app,
        made["email"],
        "/publicity/desk",
        f"/publicity/desk/objections/{made['id']}",
        {"decision": "dismiss", "reason": "异议不成立", "version": 1},
    )
    assert results == ONE_WINNER, results
    with app.app_context():
        objection = db.session.get(Objection, made["id"])
        assert objection.status == ObjectionStatus.DISMISSED
        assert objection.lock_version == 2  # moved once
