"""An engagement's way as data: the provider files the service agreement, forms its work
group and goes on site once the group holds the programme's team rules; the authority that
enrolled the engagement may withdraw it until it is done."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.security.permissions import Permission
from app.workflow import Transition, names
from blueprints.diagnosis import rules
from blueprints.engagements import team
from models import DiagnosisEngagement, EngagementStatus

S = EngagementStatus
PROVIDE, MANAGE = Permission.DIAGNOSIS_PROVIDE, Permission.DIAGNOSIS_MANAGE


def of_the_provider(engagement: DiagnosisEngagement, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != engagement.provider_id:
        return _("Only the engaged provider records the diagnosis.")
    return None


def of_the_authority(engagement: DiagnosisEngagement, actor: object) -> str | None:
    if getattr(actor, "organisation_id", None) != engagement.authority_id:
        return _("Only the authority that enrolled the engagement may do this.")
    return None


def agreement_filed(engagement: DiagnosisEngagement, _actor: object) -> str | None:
    if engagement.agreement_signed_on is None:
        return _("File the signed service agreement first.")
    return None


def team_holds_the_rules(engagement: DiagnosisEngagement, _actor: object) -> str | None:
    """The first problem of the work group against the programme's team rules."""
    programme = team.programme_of(engagement)
    problems = rules.team_problems(programme, team.members_of(engagement))
    return problems[0] if problems else None


_t = Transition.of

TRANSITIONS: tuple[Transition[EngagementStatus], ...] = (
    _t("file_agreement", {S.ENROLLED}, S.AGREED, PROVIDE, of_the_provider),
    _t("start", {S.AGREED}, S.ON_SITE, PROVIDE, of_the_provider, agreement_filed,
       team_holds_the_rules),
    _t("withdraw", {S.ENROLLED, S.AGREED, S.ON_SITE}, S.WITHDRAWN, MANAGE, of_the_authority),
)  # fmt: skip

ACTION_NAMES = names(TRANSITIONS)
# The work group may change until the team goes on site.
TEAM_OPEN = frozenset({S.ENROLLED, S.AGREED})
ACTION_TITLES = {
    "file_agreement": _l("File the agreement"),
    "start": _l("Go on site"),
    "withdraw": _l("Withdraw the engagement"),
}
