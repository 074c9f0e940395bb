"""A reform project's subsidy as data (seed 004 三(二)7): the enterprise applies once the grade
after the reform is 二级 or above, the expert group's acceptance passed, the special audit report
is filed and the outcomes are recorded; the city authority that runs the programme approves an
amount or refuses with a reason (the enterprise may then apply again), and records the payment.

The table's object is the project; its state is the status of the project's newest application
(None: none yet), so that "apply" starts from nothing or from a refusal."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.diagnosis import sme_level
from blueprints.diagnosis.evaluation_list import grade_title
from blueprints.reform import review
from blueprints.reform.transitions import of_the_city, of_the_enterprise
from models import ReformProject, ReformStatus, SmeLevelEvaluation
from models.reform_review import (
    TARGET_GRADE_LEVEL,
    ReformAcceptance,
    ReformAuditReport,
)
from models.reform_subsidy import ReformOutcome, ReformSubsidy, SubsidyStatus

S = SubsidyStatus
FILE, MANAGE = Permission.REFORM_FILE, Permission.DIAGNOSIS_MANAGE


def newest_subsidy(project: ReformProject) -> ReformSubsidy | None:
    return db.session.scalar(
        sa.select(ReformSubsidy)
        .where(ReformSubsidy.project_id == project.id)
        .order_by(ReformSubsidy.id.desc())
        .limit(1)
    )


def newest_grade(project: ReformProject) -> SmeLevelEvaluation | None:
    grading = review.current_grading(project)
    return grading.evaluation if grading else None


def newest_acceptance(project: ReformProject) -> ReformAcceptance | None:
    return db.session.scalar(
        sa.select(ReformAcceptance)
        .where(ReformAcceptance.project_id == project.id)
        .order_by(ReformAcceptance.id.desc())
        .limit(1)
    )


def newest_audit(project: ReformProject) -> ReformAuditReport | None:
    return db.session.scalar(
        sa.select(ReformAuditReport)
        .where(ReformAuditReport.project_id == project.id)
        .order_by(ReformAuditReport.id.desc())
        .limit(1)
    )


def _grade_name(evaluation: SmeLevelEvaluation) -> str:
    try:
        table = sme_level.table(evaluation.table_key)
    except OSError:
        return _("Level %(n)d", n=evaluation.grade_level)
    return grade_title(table, evaluation.grade_level)


def graded_to_target(project: ReformProject, _actor: object) -> str | None:
    """Seed 004 三(二)3, 7: 二级 or above after the reform, by the newest grading."""
    evaluation = newest_grade(project)
    if evaluation is None:
        return _("The evaluation body has not graded the enterprise after the reform yet.")
    if evaluation.grade_level < TARGET_GRADE_LEVEL:
        return _(
            "The grading after the reform found %(grade)s: a subsidy needs level %(target)d "
            "or above.",
            grade=_grade_name(evaluation),
            target=TARGET_GRADE_LEVEL,
        )
    return None


def acceptance_passed(project: ReformProject, _actor: object) -> str | None:
    acceptance = newest_acceptance(project)
    if acceptance is None:
        return _("The expert group has not accepted the project yet.")
    if not acceptance.verdict.passed:
        # Not the verdict's title: "Failed" is also the outbox's word (发送失败) in the catalogue.
        return _("The expert group's acceptance failed: a subsidy needs a passed acceptance.")
    if project.status != ReformStatus.ACCEPTED:
        return _(
            "The project is not accepted (%(status)s): a subsidy needs an accepted project.",
            status=project.status.title,
        )
    return None


def audit_filed(project: ReformProject, _actor: object) -> str | None:
    if newest_audit(project) is None:
        return _("The audit firm has not filed the special audit report yet.")
    return None


def outcomes_recorded(project: ReformProject, _actor: object) -> str | None:
    """Seed 004 附件4 asks the outcomes in figures, and 二(七) a true account of them: the
    application carries at least one, before and after."""
    exists = db.session.scalar(sa.select(sa.exists().where(ReformOutcome.project_id == project.id)))
    if not exists:
        return _("Record at least one outcome of the reform, before and after, first.")
    return None


TRANSITIONS: tuple[Transition[SubsidyStatus | None], ...] = (
    Transition.of(
        "apply",
        {None, S.REFUSED},
        S.APPLIED,
        FILE,
        of_the_enterprise,
        graded_to_target,
        acceptance_passed,
        audit_filed,
        outcomes_recorded,
    ),
    Transition.of("approve", {S.APPLIED}, S.APPROVED, MANAGE, of_the_city),
    Transition.of("refuse", {S.APPLIED}, S.REFUSED, MANAGE, of_the_city),
    Transition.of("pay", {S.APPROVED}, S.PAID, MANAGE, of_the_city),
)
ACTION_NAMES = names(TRANSITIONS)
ACTION_TITLES = {
    "apply": _l("Subsidy applied for"),
    "approve": _l("Subsidy approved"),
    "refuse": _l("Subsidy refused"),
    "pay": _l("Subsidy paid"),
}
