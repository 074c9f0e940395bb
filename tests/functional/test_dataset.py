"""The benchmark dataset generator (benchmarks/dataset.py), run at a tiny scale on each backend:
counts follow the scale, every project and certificate status is there, credit codes pass the
app's own check, foreign keys hold, histories follow the transition tables, the guards' facts
are true, and the app renders what was generated."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.clock import local_today, utcnow
from app.extensions import db
from benchmarks import dataset, workloads
from benchmarks.dataset_certificates import SCENARIOS, plan
from benchmarks.dataset_core import Random, Rows, scaled
from benchmarks.dataset_geography import Geography
from benchmarks.dataset_people import ORG_COLUMNS, USER_COLUMNS, People, plan_enterprises
from benchmarks.dataset_projects import UNDER_WAY, counts
from blueprints.assessment import scoring
from blueprints.assessment.services import questionnaire_of
from blueprints.audits.nonconformities import UNRESOLVED
from blueprints.auth.services import credit_code_problem
from blueprints.campaigns import progress
from blueprints.projects.transitions import TRANSITIONS as PROJECT_TRANSITIONS
from blueprints.reform.transitions import TRANSITIONS as REFORM_TRANSITIONS
from models import (
    Assessment,
    AssessmentEvent,
    AssessmentIndicator,
    AssessmentScore,
    Audit,
    AuditKind,
    AuditTeamMember,
    Campaign,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    CorrectiveAction,
    DiagnosisEngagement,
    Document,
    DocumentKind,
    EvaluatorRegistration,
    Finding,
    FindingKind,
    FindingStatus,
    Organisation,
    OrgKind,
    PoolMember,
    PoolStatus,
    Project,
    ProjectEvent,
    ProjectStatus,
    RecordStatus,
    ReformGrading,
    ReformProject,
    ReformStatus,
    ReformSubsidy,
    Region,
    RegistrationGrade,
    RosterEnterprise,
    ScheduleItem,
    ScheduleKind,
    SmeLevelKind,
    SubsidyStatus,
    User,
)
from tests.conftest import Browser

SCALE = 0.0005
P = ProjectStatus
C = CertificateStatus


@pytest.fixture(scope="module")
def generated(module_committed_app):
    app = module_committed_app
    dataset.prepare(app)
    written = dataset.generate(app, SCALE, seed=7, say=lambda _line: None)
    return app, written


def rows(statement):
    return db.session.execute(statement).all()


def test_counts_follow_the_scale(generated):
    app, written = generated
    certified = sum(scaled(n, SCALE) for n in SCENARIOS.values())
    projects = sum(counts(SCALE).values()) + certified
    with app.app_context():
        enterprises = db.session.scalar(
            sa.select(sa.func.count()).where(Organisation.kind == OrgKind.ENTERPRISE)
        )
        drafts = (
            db.session.scalar(sa.select(sa.func.count()).where(Assessment.status == "draft")) or 0
        )
        superseding = (
            db.session.scalar(
                sa.select(sa.func.count()).where(Certificate.supersedes_id.is_not(None))
            )
            or 0
        )
    assert enterprises == max(scaled(150_000, SCALE), projects + 5)
    assert written["organisations"] > enterprises  # and authorities, bodies, consultancies
    assert written["assessments"] == 3 * enterprises  # three years each
    assert written["assessment_scores"] == 6 * (written["assessments"] - drafts)
    assert written["projects"] == projects
    assert written["certificates"] == certified + superseding
    assert written["users"] >= written["organisations"]


def test_the_national_plan():
    """At scale 1.0: ~30,000 projects of which ~17,000 certified, ~20,000 certificates."""
    scenarios = plan(Random(1), date(2026, 11, 30), 1.0)
    under_way = sum(counts(1.0).values())
    assert 29_000 <= under_way + len(scenarios) <= 31_000
    reissued = sum(1 for s, _ in scenarios if s in ("reissued", "recertified"))
    assert 19_000 <= len(scenarios) + reissued <= 21_000
    assert set(UNDER_WAY) | {P.CERTIFIED} == set(P)


def test_every_status_is_there(generated):
    app, _ = generated
    with app.app_context():
        projects = set(db.session.scalars(sa.select(Project.status).distinct()))
        certificates = set(db.session.scalars(sa.select(Certificate.status).distinct()))
        findings = set(db.session.scalars(sa.select(Finding.status).distinct()))
        kinds = set(db.session.scalars(sa.select(Audit.kind).distinct()))
        schedule = set(db.session.scalars(sa.select(ScheduleItem.kind).distinct()))
    assert projects == set(ProjectStatus)
    assert certificates == set(CertificateStatus)
    assert findings == set(FindingStatus)
    assert kinds == set(AuditKind) - {AuditKind.SPECIAL}
    assert schedule == set(ScheduleKind)


def test_credit_codes_are_valid(generated):
    app, _ = generated
    with app.test_request_context():
        codes = db.session.scalars(
            sa.select(Organisation.credit_code).where(Organisation.kind == OrgKind.ENTERPRISE)
        ).all()
        assert codes and all(code and credit_code_problem(code) is None for code in codes)
        assert len(set(codes)) == len(codes)


def test_foreign_keys_hold(generated):
    """Every foreign key of the schema, checked as an anti-join (SQLite also by its pragma)."""
    app, _ = generated
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert rows(sa.text("PRAGMA foreign_key_check")) == []
        else:  # the keys the load dropped are back
            keys = db.session.scalar(
                sa.text("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated")
            )
            assert keys == sum(len(t.foreign_key_constraints) for t in db.metadata.tables.values())
        for table in db.metadata.tables.values():
            for key in table.foreign_key_constraints:
                parent = key.referred_table.alias("parent")
                joined = sa.and_(*(parent.c[e.column.name] == e.parent for e in key.elements))
                orphans = db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(*(e.parent.is_not(None) for e in key.elements))
                    .where(~sa.exists().where(joined))
                )
                assert orphans == 0, f"{table.name}: {key.name}"


def test_nothing_happens_in_the_future(generated):
    """Every moment recorded (DateTime columns) lies in the past; dates may be ahead (due
    dates, planned audits, an effective date after a recertification in time)."""
    app, written = generated
    with app.app_context():
        now = utcnow() + timedelta(minutes=1)
        for name in written:
            table = db.metadata.tables[name]
            for column in table.c:
                if isinstance(column.type, sa.DateTime):
                    latest = db.session.scalar(sa.select(sa.func.max(column)))
                    assert latest is None or latest <= now, f"{name}.{column.name}: {latest}"


def test_project_histories_follow_the_transition_table(generated):
    app, _ = generated
    table = {(t.name, source): t.target for t in PROJECT_TRANSITIONS for source in t.sources}
    with app.app_context():
        events: dict[int, list] = defaultdict(list)
        for event in db.session.scalars(sa.select(ProjectEvent).order_by(ProjectEvent.id)):
            events[event.project_id].append(event)
        now = db.session.scalar(sa.select(sa.func.max(ProjectEvent.created_at)))
        for project in db.session.scalars(sa.select(Project)):
            history = events[project.id]
            assert history[0].action == "start"
            for before, event in pairwise(history):
                assert event.from_status == before.to_status, project.id
                assert table[(event.action, event.from_status)] == event.to_status
                assert event.created_at > before.created_at, (project.id, event.action)
            assert history[-1].to_status == project.status
            assert project.status_changed_at == history[-1].created_at
            assert project.created_at == history[0].created_at
            actions = [e.action for e in history]
            if "pass_re_review" in actions:  # four eyes
                reviewers = {e.action: e.actor_id for e in history}
                assert reviewers["pass_re_review"] != reviewers["pass_compliance"]
            if project.applied_at is not None:  # three months of operation before applying
                started = project.operation_started_on
                assert started is not None
                assert started + relativedelta(months=3) <= project.applied_at.date()
        assert now is not None


def test_guards_facts_are_true(generated):
    """What the transitions' guards ask for exists wherever the project went past them."""
    app, _ = generated
    needs = {
        "documentation": {DocumentKind.MANUAL, DocumentKind.PROCEDURE},
        "internal_audit": {DocumentKind.INTERNAL_AUDIT_REPORT},
        "trial": {DocumentKind.MANAGEMENT_REVIEW},
    }
    with app.app_context():
        kinds: dict[int, set] = defaultdict(set)
        for project_id, kind in rows(sa.select(Document.project_id, Document.kind)):
            kinds[project_id].add(kind)
        completed: dict[int, set] = defaultdict(set)
        for project_id, source in rows(
            sa.select(ProjectEvent.project_id, ProjectEvent.from_status).where(
                ProjectEvent.action.in_(["complete_step", "recommend", "not_recommend"])
            )
        ):
            completed[project_id].add(source.value)
        for project_id, done in completed.items():
            for step, documents in needs.items():
                if step in done:
                    assert documents <= kinds[project_id], (project_id, step)
            if "correction" in done:
                assert DocumentKind.AUDIT_REPORT in kinds[project_id]
        passed = [
            P.CONCLUDED,
            P.CONFIRMED,
            P.RE_REVIEW,
            P.READY_FOR_PUBLICITY,
            P.IN_PUBLICITY,
            P.READY_TO_ISSUE,
            P.CERTIFIED,
        ]
        unresolved = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Finding)
            .join(Audit, Audit.id == Finding.audit_id)
            .join(Project, Project.id == Audit.project_id)
            .where(Project.status.in_(passed), Audit.kind.in_([AuditKind.STAGE1, AuditKind.STAGE2]))
            .where(UNRESOLVED)
        )
        assert unresolved == 0
        under_way = Counter(
            db.session.scalars(
                sa.select(Project.organisation_id).where(
                    Project.status.notin_([P.CERTIFIED, P.WITHDRAWN, P.NOT_RECOMMENDED])
                )
            )
        )
        assert max(under_way.values()) == 1


def test_findings_agree_with_their_answers(generated):
    app, _ = generated
    with app.app_context():
        decisions: dict[int, list] = defaultdict(list)
        for finding_id, decision in rows(
            sa.select(CorrectiveAction.finding_id, CorrectiveAction.decision).order_by(
                CorrectiveAction.id
            )
        ):
            decisions[finding_id].append(decision)
        expected_last = {
            FindingStatus.ANSWERED: None,
            FindingStatus.ACCEPTED: "accepted",
            FindingStatus.CLOSED: "verified",
        }
        for finding in db.session.scalars(sa.select(Finding)):
            answers = decisions[finding.id]
            if finding.kind == FindingKind.OBSERVATION:
                assert finding.status == FindingStatus.NOTED and not answers
            elif finding.status == FindingStatus.OPEN:
                assert answers in ([], ["rejected"])
            else:
                assert answers[-1] == expected_last[finding.status]
                assert all(d == "rejected" for d in answers[:-1])
            assert (finding.closed_at is not None) == (finding.status == FindingStatus.CLOSED)
        members = rows(sa.select(AuditTeamMember.audit_id, AuditTeamMember.is_lead))
        leads = Counter(audit for audit, lead in members if lead)
        assert set(leads.values()) == {1}


def test_certificates_and_their_schedules(generated):
    app, _ = generated
    with app.app_context():
        certificates = db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
        successors = {c.supersedes_id: c for c in certificates if c.supersedes_id}
        items: dict[int, list] = defaultdict(list)
        for item in db.session.scalars(sa.select(ScheduleItem)):
            items[item.certificate_id].append(item)
        events: dict[int, list] = defaultdict(list)
        for event in db.session.scalars(sa.select(CertificateEvent).order_by(CertificateEvent.id)):
            events[event.certificate_id].append(event)
        today = date.today()
        for c in certificates:
            assert c.expires_on == c.effective_on + relativedelta(years=3)
            assert c.number.startswith(f"CSAIII-{c.body.body_code}{c.effective_on.year % 100:02d}")
            assert c.number.endswith(f"IIIMS{c.serial:05d}{c.issue_no:02d}")
            assert (c.status == C.SUPERSEDED) == (c.id in successors)
            if c.status in (C.VALID, C.SUSPENDED):
                assert c.expires_on >= today - relativedelta(days=1)
            history = events[c.id]
            assert history[0].from_status is None and history[-1].to_status == c.status
            for before, event in pairwise(history):
                assert event.from_status == before.to_status
            reissued = c.id in successors and successors[c.id].serial == c.serial
            schedule = {i.kind: i.due_on for i in items[c.id]}
            if reissued:  # the schedule moved to the reissue
                assert schedule == {}
                continue
            assert schedule == {
                ScheduleKind.SURVEILLANCE_1: c.effective_on + relativedelta(months=12),
                ScheduleKind.SURVEILLANCE_2: c.effective_on + relativedelta(months=24),
                ScheduleKind.RECERTIFICATION: c.expires_on,
            }
            for item in items[c.id]:
                assert item.due_on >= today - relativedelta(days=1) or item.status.value in (
                    "done",
                    "missed",
                    "not_recommended",
                ), (c.number, item.kind, item.status)


def test_assessments_and_their_reviews(generated):
    app, _ = generated
    with app.app_context():
        scores = Counter(db.session.scalars(sa.select(AssessmentScore.assessment_id)))
        indicators: dict[int, dict[str, float]] = defaultdict(dict)
        for row in db.session.execute(sa.select(AssessmentIndicator)).scalars():
            indicators[row.assessment_id][row.key] = row.value
        events: dict[int, list] = defaultdict(list)
        for event in db.session.scalars(sa.select(AssessmentEvent).order_by(AssessmentEvent.id)):
            events[event.assessment_id].append(event)
        for a in db.session.scalars(sa.select(Assessment)):
            if a.status.value == "draft":
                assert scores[a.id] == 0 and not events[a.id] and a.total is None
                assert not indicators[a.id]
                continue
            assert scores[a.id] == 6 and a.total is not None and a.stage
            # The indicators the app would have written at submission, from the same answers.
            known = scoring.indicators(questionnaire_of(a), a.answers)
            assert indicators[a.id] == {k: v for k, v in known.items() if v is not None}
            history = events[a.id]
            assert history[0].action.value == "submit" and history[-1].to_status == a.status
            assert (a.reviewer_id is None) == (a.status.value in ("approved", "returned"))


def test_the_app_renders_what_was_generated(generated):
    app, _ = generated
    with app.app_context():
        certificates = rows(sa.select(Certificate.number, Certificate.status))
        owners = dict(
            rows(
                sa.select(User.organisation_id, User.email).where(
                    User.is_org_admin.is_(True), User.role == "enterprise"
                )
            )
        )
        projects = {
            status: (pid, org)
            for pid, status, org in rows(
                sa.select(Project.id, Project.status, Project.organisation_id).order_by(Project.id)
            )
        }
        audits = {
            kind: (audit, email)
            for audit, kind, email in rows(
                sa.select(Audit.id, Audit.kind, User.email)
                .join(AuditTeamMember, AuditTeamMember.audit_id == Audit.id)
                .join(User, User.id == AuditTeamMember.user_id)
                .where(AuditTeamMember.is_lead.is_(True))
            )
        }
    public = app.test_client()
    for number, status in certificates:
        assert public.get(f"/certificates/{number}").status_code == 200, status
    assert public.get("/certificates/").status_code == 200
    assert public.get("/certificates/?q=机械").status_code == 200
    assert public.get("/publicity/").status_code == 200
    for status, (project_id, org) in projects.items():
        browser = Browser(app.test_client())
        assert browser.login(owners[org], dataset.PASSWORD).status_code == 302
        assert browser.get(f"/projects/{project_id}").status_code == 200, status
    for kind, (audit_id, email) in audits.items():
        browser = Browser(app.test_client())
        assert browser.login(email, dataset.PASSWORD).status_code == 302
        assert browser.get(f"/audits/{audit_id}").status_code == 200, kind


def test_the_evaluator_register(generated):
    """Every evaluator holds a registration; every grade has its states; a valid one is
    approved and runs three years; the alliance's reports render it."""
    app, written = generated
    with app.app_context():
        bodies = db.session.scalar(
            sa.select(sa.func.count()).where(Organisation.kind == OrgKind.EVALUATION_BODY)
        )
        evaluators = db.session.scalar(sa.select(sa.func.count()).where(User.role == "evaluator"))
        registered = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(EvaluatorRegistration.user_id)))
        )
        states = set(
            rows(sa.select(EvaluatorRegistration.grade, EvaluatorRegistration.status).distinct())
        )
        durations = {
            (expires - issued).days
            for issued, expires in rows(
                sa.select(EvaluatorRegistration.issued_on, EvaluatorRegistration.expires_on)
            )
        }
        staff = db.session.scalar(
            sa.select(User.email).where(User.role == "alliance_staff").order_by(User.id).limit(1)
        )
    assert bodies == scaled(60, SCALE, 2)
    assert registered == evaluators
    assert {status for _grade, status in states} == set(RecordStatus)
    assert {grade for grade, _status in states} == set(RegistrationGrade)
    # Three years less a day: 1,095 days, or 1,096 across a 29 February.
    assert durations <= {1094, 1095}
    assert written["evaluator_competences"] and written["evaluator_trainings"]
    browser = Browser(app.test_client())
    assert browser.login(staff, dataset.PASSWORD).status_code == 302
    for url in ("bodies", "sectors", "sectors?section=C", "expiring?within=30"):
        assert browser.get(f"/evaluators/reports/{url}").status_code == 200, url


def test_a_database_with_data_is_refused(generated):
    app, _ = generated
    with pytest.raises(dataset.NotEmpty):
        dataset.prepare(app)


def test_a_seed_makes_the_same_dataset(generated):
    """The same seed draws the same enterprises (names, credit codes, places); another does not."""
    app, _ = generated

    def draw(seed: int) -> list[tuple[str, str, str]]:
        people, rows = People(password_hash=""), Rows()
        rows.declare("organisations", ORG_COLUMNS)
        rows.declare("users", USER_COLUMNS)
        plan_enterprises(Random(seed), rows, geography, people, 50)
        return [(e.name, e.credit_code, e.county) for e in people.enterprises]

    with app.app_context():
        geography = Geography.load()
        assert draw(5) == draw(5) != draw(6)


def test_campaigns_quotas_and_the_roster(generated):
    """Each province's round holds this year's assessments filled in inside its window, its
    quotas are set on its own reporting units, the roster's codes are valid and unique, and the
    authority reads the progress table and the data map of what was generated."""
    app, _ = generated
    with app.app_context():
        campaigns = db.session.scalars(sa.select(Campaign)).all()
        assert campaigns
        zone = ZoneInfo(app.config["TIMEZONE"])
        for campaign in campaigns:
            assert campaign.region_code.endswith("0000") and campaign.round == 1
            members = db.session.scalars(
                sa.select(Assessment).where(Assessment.campaign_id == campaign.id)
            ).all()
            for a in members:
                assert (
                    a.year == campaign.year
                    and a.organisation.region_code[:2] == (campaign.region_code[:2])
                )
                filled_in = a.created_at.replace(tzinfo=UTC).astimezone(zone).date()
                assert campaign.opens_on <= filled_in <= campaign.closes_on
            table = progress.table(campaign, db.session.get(Region, campaign.region_code))
            assert table.total.participated == len({a.organisation_id for a in members})
            units = {r.unit.code for r in table.rows}
            for quota in campaign.quotas:
                assert quota.region_code in units
                assert quota.absolute is not None or quota.share_percent is not None
        codes = db.session.scalars(sa.select(RosterEnterprise.credit_code)).all()
        assert codes and len(codes) == len(set(codes))
        assert all(credit_code_problem(code) is None for code in codes)
        first = campaigns[0]
        email = f"zhuguan{first.region_code}-1@bench.certpath.cn"
    browser = Browser(app.test_client())
    assert browser.login(email, dataset.PASSWORD).status_code == 302
    assert browser.get(f"/campaigns/{first.id}").status_code == 200
    page = browser.get(f"/statistics/map?campaign={first.id}")
    assert page.status_code == 200 and 'id="region-map"' in page.get_data(as_text=True)


def test_diagnosis_engagements_are_generated_and_render(generated):
    """Both programmes, every state, the verified indicators and the on-site grades; the
    busiest authority's progress pages and its engagements answer."""
    app, written = generated
    assert written["diagnosis_engagements"] > 0 and written["diagnosis_indicators"] > 0
    assert written["sme_level_evaluations"] > 0
    with app.app_context():
        busiest = rows(
            sa.select(DiagnosisEngagement.authority_id, sa.func.count())
            .group_by(DiagnosisEngagement.authority_id)
            .order_by(sa.func.count().desc(), DiagnosisEngagement.authority_id)
            .limit(1)
        )[0][0]
        email = db.session.scalar(
            sa.select(User.email).where(User.organisation_id == busiest).order_by(User.id).limit(1)
        )
        shown = rows(
            sa.select(DiagnosisEngagement.status, sa.func.min(DiagnosisEngagement.id))
            .where(DiagnosisEngagement.authority_id == busiest)
            .group_by(DiagnosisEngagement.status)
        )
    browser = Browser(app.test_client())
    assert browser.login(email, dataset.PASSWORD).status_code == 302
    for programme in ("nmg_offline", "changchun_pilot"):
        page = browser.get(f"/engagements/progress?programme={programme}")
        assert page.status_code == 200 and 'id="status-totals"' in page.text, programme
    assert browser.get("/engagements/progress-reports").status_code == 200
    for status, engagement_id in shown:
        assert browser.get(f"/engagements/{engagement_id}").status_code == 200, status


def test_the_reform_chain_follows_its_rules_and_renders(generated):
    """The pilot's pools and reform projects: every project status; histories follow the
    transition tables; contracts name admitted places of the project's pool; the third parties
    are of their kind; gradings are evaluations of kind reform; subsidies keep the rule (share
    0.3, cap 500,000) and one live application a project; the city's board, subsidy list and
    each status's project page answer."""
    app, written = generated
    for table in ("pool_members", "reform_projects", "reform_contracts", "reform_events"):
        assert written[table] > 0, table
    moves = {t.name: t for t in REFORM_TRANSITIONS}
    same_status = {"appoint", "acceptance", "audit_report"}
    with app.app_context():
        projects = db.session.scalars(sa.select(ReformProject).order_by(ReformProject.id)).all()
        assert {p.status for p in projects} == set(ReformStatus)
        kinds = dict(rows(sa.select(Organisation.id, Organisation.kind)))
        regions = dict(rows(sa.select(Organisation.id, Organisation.region_code)))
        now = utcnow()
        for p in projects:
            state = ReformStatus.DRAFT.value
            for event in p.events:
                assert event.at <= now
                if event.action.startswith("subsidy_"):
                    continue
                assert event.from_status == state, (p.id, event.action)
                if event.action in same_status:
                    assert event.to_status == state
                    continue
                move = moves[event.action]
                assert ReformStatus(state) in move.sources and move.target.value == event.to_status
                state = event.to_status
            assert state == p.status.value, p.id
            assert (p.filed_on is None) == (p.status == ReformStatus.DRAFT)
            if p.county_authority_id is not None:
                assert kinds[p.county_authority_id] == OrgKind.AUTHORITY
                assert regions[p.county_authority_id] == regions[p.enterprise_id]
            if p.evaluation_body_id is not None:
                assert kinds[p.evaluation_body_id] == OrgKind.EVALUATION_BODY
            if p.audit_firm_id is not None:
                assert kinds[p.audit_firm_id] == OrgKind.AUDIT_FIRM
            assert p.contracts
            for c in p.contracts:
                member = c.member
                assert member.status == PoolStatus.ADMITTED and member.provider_id == c.provider_id
                assert (member.programme_key, member.authority_id) == (
                    p.programme_key,
                    p.authority_id,
                )
                assert p.starts_on <= c.starts_on <= c.ends_on <= p.ends_on
            gradings = db.session.scalars(
                sa.select(ReformGrading).where(ReformGrading.project_id == p.id)
            ).all()
            assert all(g.evaluation.kind == SmeLevelKind.REFORM for g in gradings)
            assert all(g.evaluation.organisation_id == p.enterprise_id for g in gradings)
            if p.status in (ReformStatus.GRADED, ReformStatus.ACCEPTED):
                assert gradings
            subsidies = db.session.scalars(
                sa.select(ReformSubsidy).where(ReformSubsidy.project_id == p.id)
            ).all()
            assert sum(s.status != SubsidyStatus.REFUSED for s in subsidies) <= 1
            for s in subsidies:
                assert p.status == ReformStatus.ACCEPTED
                maximum = min(s.eligible_cost * Decimal("0.3"), Decimal(500_000))
                assert 0 < s.requested_amount <= maximum
                assert s.approved_amount is None or s.approved_amount <= s.requested_amount
                assert s.paid_amount is None or s.paid_amount == s.approved_amount
        pending = db.session.scalars(sa.select(PoolMember.status).distinct()).all()
        assert PoolStatus.ADMITTED in pending
        city = rows(
            sa.select(ReformProject.authority_id, sa.func.count())
            .group_by(ReformProject.authority_id)
            .order_by(sa.func.count().desc(), ReformProject.authority_id)
            .limit(1)
        )[0][0]
        email = db.session.scalar(
            sa.select(User.email).where(User.organisation_id == city).order_by(User.id).limit(1)
        )
        shown = rows(
            sa.select(ReformProject.status, sa.func.min(ReformProject.id))
            .where(ReformProject.authority_id == city, ReformProject.status != "draft")
            .group_by(ReformProject.status)
        )
        planned = workloads.plan(
            db.session, local_today(), wanted=("reform-board", "reform-subsidies")
        )
    browser = Browser(app.test_client())
    assert browser.login(email, dataset.PASSWORD).status_code == 302
    for status, project_id in shown:
        assert browser.get(f"/reform/{project_id}").status_code == 200, status
    # The benchmark's workloads: the pilot's busiest authority on its board and subsidy list.
    assert [w.key for w in planned] == ["reform-board", "reform-subsidies"]
    for workload in planned:
        assert workload.requests and not workload.skipped
        for request in workload.requests:
            signed_in = Browser(app.test_client())
            assert (
                request.user and signed_in.login(request.user, dataset.PASSWORD).status_code == 302
            )
            page = signed_in.get(request.path)
            assert page.status_code == 200, request.path
