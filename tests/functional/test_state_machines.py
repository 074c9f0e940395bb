"""The certificate, finding, schedule-item and objection tables, checked from the tables.

* Every move a table does not allow from a state (every state × every action name whose
  transitions do not start there) is refused with 409 — through HTTP, asked by someone who
  would be allowed that action in the right state — and changes nothing.
* The scheduler's moves (``system=True``, no permission) are refused to any person, even an
  administrator, and the scheduler (``SYSTEM``) is refused every move that is not marked system.
* One legal move per table, by the right party, succeeds and writes its history.

One object is built per (table, state) and all the illegal moves from that state are tried on
it, so that a state costs one setup and one sign-in per party, not one per action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from dateutil.relativedelta import relativedelta

from app import workflow
from app.clock import utcnow
from app.errors import WorkflowError
from app.extensions import db
from app.security import passwords
from app.workflow import SYSTEM
from blueprints.audits import services as finding_services
from blueprints.audits import transitions as finding_table
from blueprints.certificates import services as certificate_services
from blueprints.certificates import transitions as certificate_table
from blueprints.projects import services as project_services
from blueprints.projects import transitions as project_table
from blueprints.publicity import services as publicity_services
from blueprints.publicity import transitions as objection_table
from blueprints.surveillance import services as schedule_services
from blueprints.surveillance import transitions as schedule_table
from models import (
    Audit,
    AuditKind,
    AuditTeamMember,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    CorrectiveAction,
    Finding,
    FindingKind,
    FindingStatus,
    Objection,
    ObjectionStatus,
    Project,
    ProjectEvent,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
)
from tests import factories
from tests.conftest import Browser
from tests.functional.projects.helpers import browser_for

C, F, S, P = CertificateStatus, FindingStatus, ScheduleStatus, ProjectStatus
WRONG_STATE = "当前状态"  # "This action is not possible in the current state (…)."
WRONG_ROLE = r"角色|role"  # "Your role may not perform this action."

# Argon2 at its production cost makes every sign-in take a fifth of a second, which would be
# most of this file's time. Here the users get a hash of the same password made at a cheap cost
# (through the factories' hash cache), and the app's hasher is one of that cost, so that signing
# in does not "upgrade" (rehash) it. Signing in still goes through the real form, its CSRF token
# and Flask-Login. Both are undone after each test: other files get the real hash.
_QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_QUICK_HASH = _QUICK_HASHER.hash(factories.PASSWORD)


@pytest.fixture(autouse=True)
def _quick_sign_in(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", _QUICK_HASHER)
    monkeypatch.setitem(factories._hash_cache, factories.PASSWORD, _QUICK_HASH)


class Cast(factories.Parties):
    """The parties of a project, alliance staff and an administrator (who holds every
    permission: what the table gives nobody, the administrator cannot take either)."""

    def __init__(self):
        super().__init__()
        self.staff = factories.alliance_staff()
        self.admin = factories.user(self.staff.organisation, role=Role.ADMIN)


class SignedIn:
    """A browser signed in as one person, holding its CSRF token for the posts that follow."""

    def __init__(self, app, person):
        self.browser: Browser = browser_for(app, person)
        self.token = self.browser.token("/dashboard")

    def post(self, url: str, data: dict):
        return self.browser.client.post(url, data={"csrf_token": self.token, **data})


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def fresh(obj):
    """Write what the test session holds, then read ``obj`` again from the database."""
    db.session.flush()
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


TODAY = date.today


# --- objects in a given state ----------------------------------------------------------------


def certificate_in(cast: Cast, status: CertificateStatus) -> Certificate:
    return factories.certificate(cast, status, staff=cast.staff)


def events_of_project(project_id: int) -> int:
    of_project = sa.select(Certificate.id).where(Certificate.project_id == project_id)
    return count(CertificateEvent, CertificateEvent.certificate_id.in_(of_project))


def certificate_record(certificate: Certificate) -> dict:
    c = fresh(certificate)
    return {
        "status": c.status,
        "version": c.lock_version,
        # A reissue or a recertification adds a certificate.
        "certificates": count(Certificate, Certificate.project_id == c.project_id),
        "events": events_of_project(c.project_id),
    }


def finding_in(cast: Cast, status: FindingStatus) -> Finding:
    project = factories.project(cast, P.CORRECTION, stage2_completed_on=TODAY())
    audit = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    finding = Finding(
        audit_id=audit.id,
        kind=FindingKind.OBSERVATION if status == F.NOTED else FindingKind.MAJOR,
        clause_code="9.3",
        description="管理评审未覆盖新型能力",
        status=status,
        due_on=TODAY() + timedelta(days=30),
        created_by_id=cast.lead.id,
        closed_at=utcnow() if status == F.CLOSED else None,
    )
    if status in (F.ANSWERED, F.ACCEPTED, F.CLOSED):
        finding.actions = [
            CorrectiveAction(
                cause="原因",
                correction="纠正",
                action="措施",
                submitted_by_id=cast.enterprise.id,
                decision={F.ACCEPTED: "accepted", F.CLOSED: "verified"}.get(status),
            )
        ]
    db.session.add(finding)
    db.session.flush()
    return finding


def finding_record(finding: Finding) -> dict:
    f = fresh(finding)
    return {
        "status": f.status,
        "version": f.lock_version,
        "due_on": f.due_on,
        "closed_at": f.closed_at,
        "answers": [
            (a.cause, a.submitted_by_id, a.decision, a.decided_by_id, a.decision_comment)
            for a in f.actions
        ],
    }


RECERTIFICATION_STATES = frozenset({S.RECOMMENDED, S.REVIEWED, S.NOT_RECOMMENDED})


def schedule_item_in(cast: Cast, status: ScheduleStatus) -> ScheduleItem:
    """The first surveillance, or the recertification for the states only it reaches; from
    planned on, with its audit led by the lead evaluator (completed once concluded)."""
    certificate = certificate_in(cast, C.VALID)
    recertification = status in RECERTIFICATION_STATES
    kind = ScheduleKind.RECERTIFICATION if recertification else ScheduleKind.SURVEILLANCE_1
    item = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind == kind
        )
    )
    if status not in (S.OPEN, S.MISSED):
        audit = Audit(
            project_id=certificate.project_id,
            kind=AuditKind.RECERTIFICATION if recertification else AuditKind.SURVEILLANCE,
            starts_on=TODAY(),
            ends_on=TODAY(),
            completed_on=None if status == S.PLANNED else TODAY(),
        )
        audit.team = [AuditTeamMember(user=cast.lead, is_lead=True)]
        db.session.add(audit)
        db.session.flush()
        item.audit_id = audit.id
    if status == S.DONE:
        item.completed_on = TODAY()
    if status == S.REVIEWED:
        item.compliance_by_id = cast.admin.id
    item.status = status
    db.session.flush()
    return item


def schedule_item_record(item: ScheduleItem) -> dict:
    i = fresh(item)
    project_id = i.certificate.project_id
    return {
        "status": i.status,
        "version": i.lock_version,
        "audit_id": i.audit_id,
        "completed_on": i.completed_on,
        "compliance_by_id": i.compliance_by_id,
        "certificate": (i.certificate.status, i.certificate.lock_version),
        "audits": count(Audit, Audit.project_id == project_id),  # planning adds one
        "certificates": count(Certificate, Certificate.project_id == project_id),  # so does issuing
        "events": events_of_project(project_id),  # a suspension at surveillance writes one
    }


def objection_in(cast: Cast, status: ObjectionStatus) -> Objection:
    publicised = factories.project(cast, P.IN_PUBLICITY)
    return factories.objection(
        publicised, cast.staff, status=status, reason="该企业未实际运行管理体系"
    )


def project_record(project: Project) -> dict:
    p = fresh(project)
    return {
        "status": p.status,
        "version": p.lock_version,
        "events": count(ProjectEvent, ProjectEvent.project_id == p.id),
    }


def objection_record(objection: Objection) -> dict:
    o = fresh(objection)
    return {
        "status": o.status,
        "decided_by_id": o.decided_by_id,
        "decision_reason": o.decision_reason,
        "removed_at": o.entry.removed_at,
        "project": project_record(db.session.get(Project, o.entry.project_id)),
    }


# --- how each action is asked for --------------------------------------------------------------


@dataclass(frozen=True)
class Way:
    """Who would ask for an action in the right state, and how: through its route (``http``:
    the URL and form for an object), else through the service (``service``), the only way in
    for the scheduler's moves and for moves that other features make."""

    who: str  # an attribute of Cast, or "system"
    http: Callable[[Any, str], tuple[str, dict]] | None = None
    service: Callable[[Any, str, Any], Any] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    transitions: tuple
    states: type[Enum]
    build: Callable[[Cast, Any], Any]
    record: Callable[[Any], dict]
    ways: dict[str, Way]


def _certificate_route(certificate, name):
    form = {"reason": "测试原因", "new_name": "上海新名称有限公司"}
    return f"/certificates/{certificate.number}/actions/{name}", form


def _certificate_service(certificate, name, actor):
    return certificate_services.perform(certificate, name, actor, "测试原因")


def _finding_route(finding, name):
    if name == "answer":
        form = {"cause": "原因分析", "correction": "纠正", "action": "纠正措施"}
        return f"/audits/findings/{finding.id}/answer", form
    return f"/audits/findings/{finding.id}/decision", {"decision": name, "comment": "理由"}


def _schedule_route(item, name):
    base = f"/certificates/{item.certificate.number}/schedule/{item.id}"
    today = TODAY().isoformat()
    if name == "plan":
        return f"{base}/plan", {"starts_on": today, "ends_on": today}
    if name in schedule_table.CONCLUSIONS:
        return f"{base}/conclude", {"decision": name, "completed_on": today, "reason": "原因"}
    step = {"pass_review": "review", "issue": "issue"}[name]
    return f"{base}/recertification/{step}", {}


def _schedule_service(item, name, actor):
    return schedule_services.perform(item, name, actor)


def _objection_route(objection, name):
    return f"/publicity/desk/objections/{objection.id}", {"decision": name, "reason": "理由"}


def _system_names(transitions) -> set[str]:
    return {t.name for t in transitions if t.system and t.permission is None}


TABLES = (
    Table(
        "certificate",
        certificate_table.TRANSITIONS,
        CertificateStatus,
        certificate_in,
        certificate_record,
        {
            **{
                name: Way("staff", http=_certificate_route)
                for name in certificate_table.STAFF_ACTIONS
            },
            # Taken inside other features' moves (a recertification issued, a surveillance
            # concluded with a suspension): the service, as the person who takes them there.
            "recertify": Way("staff", service=_certificate_service),
            "suspend_at_surveillance": Way("lead", service=_certificate_service),
            **{
                name: Way("system", service=_certificate_service)
                for name in _system_names(certificate_table.TRANSITIONS)
            },
        },
    ),
    Table(
        "finding",
        finding_table.TRANSITIONS,
        FindingStatus,
        finding_in,
        finding_record,
        {
            "answer": Way("enterprise", http=_finding_route),
            **{name: Way("lead", http=_finding_route) for name in finding_table.DECISIONS},
        },
    ),
    Table(
        "schedule",
        schedule_table.TRANSITIONS,
        ScheduleStatus,
        schedule_item_in,
        schedule_item_record,
        {
            "plan": Way("lead", http=_schedule_route),
            **{name: Way("lead", http=_schedule_route) for name in schedule_table.CONCLUSIONS},
            "pass_review": Way("staff", http=_schedule_route),
            "issue": Way("staff", http=_schedule_route),
            "miss": Way("system", service=_schedule_service),
        },
    ),
    Table(
        "objection",
        objection_table.TRANSITIONS,
        ObjectionStatus,
        objection_in,
        objection_record,
        {name: Way("staff", http=_objection_route) for name in objection_table.ACTION_NAMES},
    ),
)


def _illegal_cases():
    for table in TABLES:
        allowed = {(state, t.name) for t in table.transitions for state in t.sources}
        for state in table.states:
            refused = [
                name for name in workflow.names(table.transitions) if (state, name) not in allowed
            ]
            if refused:
                yield pytest.param(table, state, refused, id=f"{table.name}-{state.value}")


ILLEGAL = list(_illegal_cases())


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_action_of_a_table_has_a_way_in(table):
    """A new action in a table must be given a way to be asked for here, so that its illegal
    moves are generated too; the scheduler's moves, and only those, are asked as SYSTEM."""
    names = set(workflow.names(table.transitions))
    assert set(table.ways) == names
    system = {w for w, way in table.ways.items() if way.who == "system"}
    assert system == _system_names(table.transitions)


@pytest.mark.parametrize(("table", "state", "refused"), ILLEGAL)
def test_illegal_moves_are_refused_and_change_nothing(app, app_ctx, table, state, refused):
    cast = Cast()
    obj = table.build(cast, state)
    db.session.commit()  # release the savepoint so the requests' sessions see the rows
    before = table.record(obj)
    browsers: dict[str, SignedIn] = {}
    problems = []
    for name in refused:
        way = table.ways[name]
        if way.http is not None:
            if way.who not in browsers:
                browsers[way.who] = SignedIn(app, getattr(cast, way.who))
            url, form = way.http(obj, name)
            response = browsers[way.who].post(url, form)
            text = response.get_data(as_text=True)
            if response.status_code != 409 or WRONG_STATE not in text:
                problems.append(f"{name}: POST {url} answered {response.status_code}")
        else:
            actor = SYSTEM if way.who == "system" else getattr(cast, way.who)
            try:
                way.service(obj, name, actor)
            except WorkflowError as refusal:
                if WRONG_STATE not in refusal.message:
                    problems.append(f"{name}: refused for another reason: {refusal.message}")
            else:
                problems.append(f"{name}: the service accepted it (as {actor!r})")
        after = table.record(obj)
        if after != before:
            problems.append(f"{name} changed {before} into {after}")
            before = after
    assert not problems, f"{table.name} in {state.value}:\n" + "\n".join(problems)


# --- the scheduler's moves are the scheduler's ---------------------------------------------------


@dataclass
class Scene:
    """An object where a system move is due (its guards pass), the people who deal with it,
    and how to ask for the move as someone."""

    move: Callable[[Any], Any]
    record: Callable[[], dict]
    people: tuple


def _certificate_scene(cast: Cast, name: str, certificate: Certificate) -> Scene:
    return Scene(
        move=lambda actor: certificate_services.perform(certificate, name, actor, "到期处理"),
        record=lambda: certificate_record(certificate),
        people=(cast.admin, cast.staff),
    )


def _expire(cast: Cast, _app) -> Scene:
    certificate = certificate_in(cast, C.VALID)
    certificate.effective_on = TODAY() - relativedelta(years=3, days=1)
    certificate.expires_on = TODAY() - timedelta(days=1)
    return _certificate_scene(cast, "expire", certificate)


def _suspend_overdue(cast: Cast, _app) -> Scene:
    return _certificate_scene(cast, "suspend_overdue", certificate_in(cast, C.VALID))


def _revoke_long_suspension(cast: Cast, app) -> Scene:
    certificate = certificate_in(cast, C.SUSPENDED)
    months = app.config["SUSPENSION_MAX_MONTHS"]
    certificate.status_changed_at = utcnow() - relativedelta(months=months, days=1)
    return _certificate_scene(cast, "revoke_long_suspension", certificate)


def _miss(cast: Cast, _app) -> Scene:
    item = schedule_item_in(cast, S.OPEN)
    item.due_on = TODAY() - timedelta(days=1)
    return Scene(
        move=lambda actor: schedule_services.perform(item, "miss", actor),
        record=lambda: schedule_item_record(item),
        people=(cast.admin, cast.lead),
    )


def _stage2_expired(cast: Cast, app) -> Scene:
    months = app.config["MAJOR_NC_MAX_MONTHS"]
    project = factories.project(
        cast,
        P.CORRECTION,
        stage2_completed_on=TODAY() - relativedelta(months=months, days=10),
    )
    audit = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    db.session.add(
        Finding(
            audit_id=audit.id,
            kind=FindingKind.MAJOR,
            clause_code="9.3",
            description="严重不符合",
            status=F.OPEN,
            created_by_id=cast.lead.id,
        )
    )
    return Scene(
        move=lambda actor: project_services.perform(project, "stage2_expired", actor),
        record=lambda: project_record(project),
        people=(cast.admin, cast.lead, cast.enterprise),
    )


def _certificate_appeal_upheld(cast: Cast, _app) -> Scene:
    """A suspension still standing: an upheld appeal (blueprints/cases) restores it."""
    certificate = certificate_in(cast, C.VALID)
    certificate_services.perform(certificate, "suspend", cast.staff, "监督逾期")
    return _certificate_scene(cast, "appeal_upheld", certificate)


def _project_appeal_upheld(cast: Cast, _app) -> Scene:
    """A compliance return still standing: an upheld appeal takes it back to the review."""
    project = factories.project(cast, P.CONFIRMED)
    project_services.perform(project, "return_compliance", cast.staff, "缺少记录")
    return Scene(
        move=lambda actor: project_services.perform(project, "appeal_upheld", actor, "申诉成立"),
        record=lambda: project_record(project),
        people=(cast.admin, cast.staff, cast.enterprise),
    )


SCENES: dict[tuple[str, str], Callable[..., Scene]] = {
    ("certificate", "appeal_upheld"): _certificate_appeal_upheld,
    ("project", "appeal_upheld"): _project_appeal_upheld,
    ("certificate", "expire"): _expire,
    ("certificate", "suspend_overdue"): _suspend_overdue,
    ("certificate", "revoke_long_suspension"): _revoke_long_suspension,
    ("schedule", "miss"): _miss,
    ("project", "stage2_expired"): _stage2_expired,
}

ALL_TABLES = {
    "project": project_table.TRANSITIONS,
    "certificate": certificate_table.TRANSITIONS,
    "finding": finding_table.TRANSITIONS,
    "schedule": schedule_table.TRANSITIONS,
    "objection": objection_table.TRANSITIONS,
}
SYSTEM_ONLY = sorted(
    {
        (table, t.name)
        for table, ts in ALL_TABLES.items()
        for t in ts
        if t.system and not t.permission
    }
)


@pytest.mark.parametrize("key", SYSTEM_ONLY, ids="-".join)
def test_no_person_takes_the_schedulers_move(app, app_ctx, key):
    assert key in SCENES, f"{key}: a system move without a scene here; add one to SCENES"
    build = SCENES[key]
    cast = Cast()
    scene = build(cast, app)
    before = scene.record()
    for person in scene.people:
        with pytest.raises(WorkflowError, match=WRONG_ROLE):
            scene.move(person)
        assert scene.record() == before, f"{person.role} changed it"
    # The same move on the same object is the scheduler's: the refusal was about who asked.
    scene.move(SYSTEM)
    assert scene.record() != before


NOT_SYSTEM = [
    pytest.param(ts, t, id=f"{table}-{t.name}-from-{min(s.value for s in t.sources)}")
    for table, ts in ALL_TABLES.items()
    for t in ts
    if not t.system
]


@pytest.mark.parametrize(("transitions", "transition"), NOT_SYSTEM)
def test_the_scheduler_may_not_take_a_persons_move(app_ctx, transitions, transition):
    # Refused on who asks, before any guard looks at the object (a bare object would fail
    # loudly in a guard).
    source = min(transition.sources, key=lambda s: s.value)
    with pytest.raises(WorkflowError, match=WRONG_ROLE):
        workflow.begin(transitions, object(), transition.name, source, SYSTEM)


def _project_withdraw(cast: Cast):
    project = factories.project(cast, P.STARTED)
    return (
        lambda: project_services.perform(project, "withdraw", SYSTEM),
        lambda: project_record(project),
    )


def _certificate_suspend(cast: Cast):
    certificate = certificate_in(cast, C.VALID)
    return (
        lambda: certificate_services.perform(certificate, "suspend", SYSTEM, "监督逾期"),
        lambda: certificate_record(certificate),
    )


def _finding_verify(cast: Cast):
    finding = finding_in(cast, F.ANSWERED)
    return (
        lambda: finding_services.decide(finding, SYSTEM, "verify"),
        lambda: finding_record(finding),
    )


def _schedule_pass_review(cast: Cast):
    item = schedule_item_in(cast, S.RECOMMENDED)
    return (
        lambda: schedule_services.perform(item, "pass_review", SYSTEM),
        lambda: schedule_item_record(item),
    )


def _objection_dismiss(cast: Cast):
    objection = objection_in(cast, ObjectionStatus.OPEN)
    return (
        lambda: publicity_services.decide_objection(objection, SYSTEM, "dismiss", "理由"),
        lambda: objection_record(objection),
    )


@pytest.mark.parametrize(
    "scene",
    [
        _project_withdraw,
        _certificate_suspend,
        _finding_verify,
        _schedule_pass_review,
        _objection_dismiss,
    ],
    ids=lambda f: f.__name__.lstrip("_"),
)
def test_each_service_refuses_the_scheduler_a_persons_move(app_ctx, scene):
    move, record = scene(Cast())
    before = record()
    with pytest.raises(WorkflowError, match=WRONG_ROLE):
        move()
    assert record() == before


# --- one legal move per table ------------------------------------------------------------------


def test_staff_suspend_a_certificate(app, app_ctx):
    cast = Cast()
    certificate = certificate_in(cast, C.VALID)
    db.session.commit()
    before = certificate_record(certificate)
    url, form = _certificate_route(certificate, "suspend")
    assert SignedIn(app, cast.staff).post(url, form).status_code == 302
    assert certificate_record(certificate) == {
        **before,
        "status": C.SUSPENDED,
        "version": before["version"] + 1,
        "events": before["events"] + 1,
    }
    last = fresh(certificate).events[-1]
    assert (last.action, last.from_status, last.to_status, last.actor_id, last.reason) == (
        "suspend",
        C.VALID,
        C.SUSPENDED,
        cast.staff.id,
        "测试原因",
    )


def test_the_enterprise_answers_a_nonconformity(app, app_ctx):
    cast = Cast()
    finding = finding_in(cast, F.OPEN)
    db.session.commit()
    before = finding_record(finding)
    url, form = _finding_route(finding, "answer")
    assert SignedIn(app, cast.enterprise).post(url, form).status_code == 302
    assert finding_record(finding) == {
        **before,
        "status": F.ANSWERED,
        "version": before["version"] + 1,
        "answers": [("原因分析", cast.enterprise.id, None, None, "")],  # the one answer row
    }


def test_the_lead_concludes_a_surveillance_with_a_suspension(app, app_ctx):
    cast = Cast()
    item = schedule_item_in(cast, S.PLANNED)
    db.session.commit()
    before = schedule_item_record(item)
    url, form = _schedule_route(item, "suspend")
    assert SignedIn(app, cast.lead).post(url, form).status_code == 302
    after = schedule_item_record(item)
    certificate_status, certificate_version = before["certificate"]
    # The effect flushes the item once through the certificate's move, then its new status:
    # its version moves on at each write.
    assert after["version"] > before["version"]
    assert after == {
        **before,
        "status": S.DONE,
        "version": after["version"],
        "completed_on": TODAY(),
        "certificate": (C.SUSPENDED, certificate_version + 1),
        "events": before["events"] + 1,  # the certificate's history: the suspension
    }
    last = fresh(item).certificate.events[-1]
    assert (last.action, last.from_status, last.actor_id, last.reason) == (
        "suspend_at_surveillance",
        certificate_status,
        cast.lead.id,
        "原因",
    )


def test_staff_dismiss_an_objection(app, app_ctx):
    cast = Cast()
    objection = objection_in(cast, ObjectionStatus.OPEN)
    db.session.commit()
    before = objection_record(objection)
    url, form = _objection_route(objection, "dismiss")
    assert SignedIn(app, cast.staff).post(url, form).status_code == 302
    # Decided once, with the reason; the project stays in publicity.
    assert objection_record(objection) == {
        **before,
        "status": ObjectionStatus.DISMISSED,
        "decided_by_id": cast.staff.id,
        "decision_reason": "理由",
    }
