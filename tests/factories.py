"""Small factories: valid organisations and users with as little typing as possible."""

from __future__ import annotations

import itertools
import random
from datetime import date

from stdnum.cn import uscc

from app.clock import utcnow
from app.extensions import db
from app.security.passwords import hash_password
from models import (
    EnterpriseSize,
    ImpartialityDeclaration,
    Organisation,
    OrgKind,
    Role,
    User,
)

PASSWORD = "Correct-Horse-Battery-9"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(region: str = "310115") -> str:
    body = "".join(random.choice(_ALPHABET) for _ in range(9))
    base = f"91{region}{body}"
    return base + uscc.calc_check_digit(base)


def organisation(
    kind: OrgKind = OrgKind.ENTERPRISE, *, region: str = "310115", **fields
) -> Organisation:
    n = next(_counter)
    values: dict = {"name": f"测试组织{n}", "region_code": region}
    if kind == OrgKind.ENTERPRISE:
        values.update(
            credit_code=credit_code(region),
            industry_code="34",
            size=EnterpriseSize.MEDIUM,
            address=f"测试路 {n} 号",
        )
    if kind == OrgKind.EVALUATION_BODY:
        # 100–899: tests that need a particular code use 9xx, so the two never collide.
        values["body_code"] = f"{100 + n % 800:03d}"
    values.update(fields)
    org = Organisation(kind=kind, **values)
    db.session.add(org)
    db.session.flush()
    return org


_ROLE_FOR_KIND = {
    OrgKind.ENTERPRISE: Role.ENTERPRISE,
    OrgKind.CONSULTANCY: Role.CONSULTANT,
    OrgKind.EVALUATION_BODY: Role.EVALUATOR,
    OrgKind.ALLIANCE: Role.ALLIANCE_STAFF,
    OrgKind.AUTHORITY: Role.AUTHORITY,
    OrgKind.SERVICE_PROVIDER: Role.DIAGNOSTICIAN,
    OrgKind.THINK_TANK: Role.DIAGNOSTICIAN,
    OrgKind.AUDIT_FIRM: Role.AUDITOR,
}


def user(
    org: Organisation | None = None,
    *,
    role: Role | None = None,
    password: str = PASSWORD,
    verified: bool = True,
    declared: bool = True,
    registered: bool = True,
    **fields,
) -> User:
    org = org or organisation()
    n = next(_counter)
    if password not in _hash_cache:  # Argon2 is slow on purpose; tests reuse one hash
        _hash_cache[password] = hash_password(password)
    values = {
        "email": f"user{n}-{random.randrange(10**6)}@example.com",
        "name": f"测试用户{n}",
        "role": role or _ROLE_FOR_KIND[org.kind],
        "password_hash": _hash_cache[password],
        "email_verified_at": utcnow() if verified else None,
        "locale": "zh",
    }
    values.update(fields)
    account = User(organisation=org, **values)
    db.session.add(account)
    db.session.flush()
    if declared and account.role in (Role.EVALUATOR, Role.ALLIANCE_STAFF):
        declaration(account)
    if registered and account.role is Role.EVALUATOR:
        registration(account)
        competence(account)
    return account


def registration(
    account: User,
    *,
    grade=None,
    issued_on: date = date(1990, 1, 1),
    expires_on: date = date(2099, 12, 31),
    status=None,
):
    """An evaluator's registration, by default an approved lead qualification covering every
    date a test may travel to, so that the tests of other rules build audit teams as before;
    the team-rule tests give their own (or ``user(..., registered=False)``)."""
    from models import EvaluatorRegistration, RecordStatus, RegistrationGrade

    grade = grade or RegistrationGrade.LEAD
    row = EvaluatorRegistration(
        user_id=account.id,
        body_id=account.organisation_id,
        grade=grade,
        number=f"T-{grade.value}-{account.id}-{next(_counter)}",
        issued_on=issued_on,
        expires_on=expires_on,
        status=status or RecordStatus.APPROVED,
    )
    db.session.add(row)
    db.session.flush()
    return row


def conflict(account: User, enterprise: Organisation, *, starts_on=date(2020, 1, 1), ends_on=None):
    """``account`` declares having consulted for ``enterprise`` from ``starts_on``."""
    from models import ConflictOfInterest, ConflictRelation

    row = ConflictOfInterest(
        user_id=account.id,
        organisation_id=enterprise.id,
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        relation=ConflictRelation.CONSULTED,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(row)
    db.session.flush()
    return row


def unregister(account: User) -> None:
    """Take back the registrations and sectors ``user`` gave ``account``: for the tests that
    record their own."""
    import sqlalchemy as sa

    from models import EvaluatorCompetence, EvaluatorRegistration

    for model in (EvaluatorRegistration, EvaluatorCompetence):
        db.session.execute(sa.delete(model).where(model.user_id == account.id))


def competence(account: User, code: str = "C", *, status=None):
    """Approved competence in ``code`` (by default section C, manufacturing: the factories'
    enterprises are of division 34)."""
    from models import EvaluatorCompetence, RecordStatus

    row = EvaluatorCompetence(
        user_id=account.id,
        body_id=account.organisation_id,
        industry_code=code,
        status=status or RecordStatus.APPROVED,
    )
    db.session.add(row)
    db.session.flush()
    return row


def declaration(account: User, *, year: int | None = None, valid_from=None, valid_until=None):
    """An impartiality declaration of ``account``. Unless given, it covers every date a test may
    travel to, so that the tests of other rules build audit teams and reviews as before; the
    declaration tests give their own dates (or ``user(..., declared=False)``)."""
    signed = ImpartialityDeclaration(
        user_id=account.id,
        year=year or utcnow().year,
        pledge_version="test",
        valid_from=valid_from or date(1990, 1, 1),
        valid_until=valid_until or date(2099, 12, 31),
        signed_at=utcnow(),
    )
    db.session.add(signed)
    db.session.flush()
    return signed


def assessment(
    org: Organisation | None = None,
    *,
    year: int | None = None,
    status=None,
    scores: dict[str, float] | None = None,
    region: str | None = None,
    industry: str | None = None,
    campaign=None,
):
    """A self-assessment with its score rows, without going through the questionnaire."""
    from app.clock import local_today
    from models import TOTAL_KEY, Assessment, AssessmentScore, AssessmentStatus

    org = org or organisation()
    status = status or AssessmentStatus.AWAITING_CITY
    scores = scores or {}
    item = Assessment(
        organisation=org,
        year=year or (campaign.year if campaign else local_today().year),
        campaign=campaign,
        questionnaire_id="discrete-2026",
        questionnaire_version=1,
        status=status,
        answers={},
        region_code=region or org.region_code,
        industry_code=industry or org.industry_code,
        total=scores.get(TOTAL_KEY),
        stage="basic",
        submitted_at=None if status == AssessmentStatus.DRAFT else utcnow(),
    )
    item.scores = [AssessmentScore(dimension=k, score=v) for k, v in scores.items()]
    db.session.add(item)
    db.session.flush()
    return item


class Parties:
    """An enterprise (with a valid self-assessment), a consultancy, an evaluation body with
    two evaluators, and one user each — the cast of a certification project."""

    def __init__(self, *, registered: bool = True):
        from models import AssessmentStatus, OrgKind, Role

        self.enterprise_org = organisation(region="310115")
        self.enterprise = user(self.enterprise_org, is_org_admin=True)
        assessment(self.enterprise_org, status=AssessmentStatus.APPROVED)
        self.consultancy_org = organisation(OrgKind.CONSULTANCY, region="310104")
        self.consultant = user(self.consultancy_org, is_org_admin=True)
        self.body_org = organisation(OrgKind.EVALUATION_BODY, region="310000")
        self.lead = user(
            self.body_org, role=Role.EVALUATOR, is_org_admin=True, registered=registered
        )
        self.evaluator = user(self.body_org, role=Role.EVALUATOR, registered=registered)


def project(parties: Parties, status=None, **fields):
    """A project placed directly in ``status`` with what that status implies already there."""
    from datetime import date, timedelta

    from models import (
        Audit,
        AuditKind,
        AuditTeamMember,
        ConsultingStep,
        Project,
        ProjectStatus,
    )

    p = ProjectStatus
    status = status or p.STARTED
    order = list(p)
    at_least = order.index(status)
    item = Project(
        organisation=parties.enterprise_org,
        status=status,
        scope="精密装备研发与生产",
        capabilities=["数据驱动的精益生产管控能力"],
        sites=["上海市浦东新区"],
    )
    item.steps = [ConsultingStep(number=n) for n in range(1, 7)]
    if at_least >= order.index(p.CONSULTANCY_INVITED):
        item.consultancy = parties.consultancy_org
    if at_least >= order.index(p.APPLIED) and status not in (p.WITHDRAWN,):
        item.body = parties.body_org
        item.operation_started_on = date.today() - timedelta(days=200)
        item.headcount = 120
    if at_least >= order.index(p.ACCEPTED) and status not in (p.WITHDRAWN,):
        item.lead_evaluator = parties.lead
    for key, value in fields.items():
        setattr(item, key, value)
    db.session.add(item)
    db.session.flush()
    for kind, since in ((AuditKind.STAGE1, p.STAGE1_PLANNED), (AuditKind.STAGE2, p.STAGE2_PLANNED)):
        if order.index(since) <= at_least < order.index(p.NOT_RECOMMENDED):
            audit = Audit(
                project_id=item.id, kind=kind, starts_on=date.today(), ends_on=date.today()
            )
            audit.team = [AuditTeamMember(user=parties.lead, is_lead=True)]
            if at_least > order.index(since):
                audit.completed_on = date.today()
            db.session.add(audit)
    db.session.flush()
    return item


def alliance_staff(**fields) -> User:
    """A member of the alliance's staff: reviews, publicity, certificates."""
    alliance = organisation(OrgKind.ALLIANCE, region="110000")
    return user(alliance, role=Role.ALLIANCE_STAFF, **fields)


def certificate(parties: Parties, status=None, *, staff: User | None = None):
    """A certificate issued (with its surveillance schedule) at the end of a project of
    ``parties``, then placed directly in ``status``."""
    from blueprints.certificates.services import issue_for
    from models import ProjectStatus

    issued = issue_for(project(parties, ProjectStatus.CERTIFIED), staff or alliance_staff())
    if status is not None:
        issued.status = status
        db.session.flush()
    return issued


def objection(publicised, staff: User, *, status=None, reason: str = "理由"):
    """An objection to ``publicised`` (a project in publicity), in a batch that is open today:
    its batch and entry made as the publicity desk makes them."""
    from datetime import timedelta

    from app.clock import local_today
    from models import Objection, ObjectionStatus, PublicityBatch, PublicityEntry

    today = local_today()
    batch = PublicityBatch(
        title="第一批公示",
        starts_on=today,
        ends_on=today + timedelta(days=7),
        working_days=5,
        created_by_id=staff.id,
    )
    entry = PublicityEntry(
        project_id=publicised.id,
        enterprise_name=publicised.organisation.name,
        region_name="上海市 浦东新区",
        body_name=publicised.body.name if publicised.body else "",
        scope=publicised.scope,
    )
    batch.entries.append(entry)
    db.session.add(batch)
    db.session.flush()
    publicised.publicity_batch_id = batch.id
    made = Objection(
        entry=entry,
        name="张三",
        contact="13800000000",
        reason=reason,
        address_hash="0" * 64,
        status=status or ObjectionStatus.OPEN,
    )
    db.session.add(made)
    db.session.flush()
    return made


def api_key(member: User, *, scopes=None, days: int = 30):
    """A key of ``member``'s organisation acting for them (every scope unless told), made as
    the API keys page makes it: the token is on the returned NewKey only."""
    from datetime import timedelta

    from blueprints.api import keys
    from models import ApiScope

    made = keys.create(
        member.organisation,
        member,
        name="省平台对接",
        scopes=list(ApiScope) if scopes is None else list(scopes),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.flush()
    return made
