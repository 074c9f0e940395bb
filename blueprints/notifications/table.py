"""Who hears of what: one table of event → category → recipients → message.

Every event the features announce (``app.events.announce``) and somebody must hear of is a row
here; an event with no row is heard by nobody. Each recipient gets a notice in the app and —
unless they muted the category in their profile — an email in their language through the
outbox. The one who acted hears nothing of their own act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.events import Event
from app.security.permissions import Permission, has_permission
from app.urls import external_url
from app.workflow import OnDecisionOf
from blueprints.notifications import recipients as who
from models import AssessmentStatus, ProjectStatus, User
from models.types import TitledEnum


class Category(TitledEnum):
    """What a user may choose to read in the app only (the email is then not sent)."""

    PROJECTS = "projects", _l("Certification projects")
    ASSESSMENTS = "assessments", _l("Self-assessments")
    CAMPAIGNS = "campaigns", _l("Assessment campaigns")
    NOTICES = "notices", _l("Notices from the authorities")
    AUDITS = "audits", _l("Audits and findings")
    CERTIFICATES = "certificates", _l("Certificates")
    SURVEILLANCE = "surveillance", _l("Surveillance and recertification")
    PUBLICITY = "publicity", _l("Publicity and objections")
    DIAGNOSIS = "diagnosis", _l("Diagnosis engagements")
    ACCOUNT = "account", _l("Your account's security")
    WEBHOOKS = "webhooks", _l("Webhooks of your organisation")
    EXPORTS = "exports", _l("Your exports prepared in the background")
    EVALUATORS = "evaluators", _l("The evaluator register")
    CASES = "cases", _l("Complaints and appeals")

    @property
    def may_be_muted(self) -> bool:
        """What was done to one's own account (a password set by someone else) always comes
        by email too: it may be the first sign of an account taken over."""
        return self is not Category.ACCOUNT


MUTABLE_CATEGORIES = tuple(category for category in Category if category.may_be_muted)


@dataclass(frozen=True)
class Notice:
    category: Category
    recipients: Callable[[Event], list[User]]
    title: Callable[[Event], str]  # called in the recipient's language
    link: Callable[[Event], str]
    template: str = "notice"  # app/templates/email/<template>.txt and .html


# --- links -----------------------------------------------------------------------------------


def _project_page(event: Event) -> str:
    return external_url("projects.view", project_id=event.subject.id)


def _assessment_page(event: Event) -> str:
    return external_url("assessment.report", assessment_id=event.subject.id)


def _finding_page(event: Event) -> str:
    finding = event.subject
    return external_url("audits.view", audit_id=finding.audit_id) + f"#finding-{finding.id}"


def _certificate_page(event: Event) -> str:
    """The certificate's page: the subject's own, or that of its schedule item or request."""
    certificate = getattr(event.subject, "certificate", event.subject)
    return external_url("certificates.verify", number=certificate.number)


def _publicity_desk(_event: Event) -> str:
    return external_url("publicity.desk")


# --- projects --------------------------------------------------------------------------------

# A project in these states waits on the alliance: its staff hear of the move too.
_ALLIANCE_WAITS = frozenset(
    {
        ProjectStatus.CONFIRMED,
        ProjectStatus.RE_REVIEW,
        ProjectStatus.READY_FOR_PUBLICITY,
        ProjectStatus.READY_TO_ISSUE,
    }
)


def _project_recipients(event: Event) -> list[User]:
    """The other parties of the project (all of them when the system moved it), and the
    alliance's staff when the project now waits on them."""
    project = event.subject
    actor_org = event.actor.organisation_id
    parties = [u for u in who.parties_of(project) if u.organisation_id != actor_org]
    alliance = who.alliance_staff() if project.status in _ALLIANCE_WAITS else []
    return who.unique(parties, alliance)


PROJECT_MOVED = Notice(
    Category.PROJECTS,
    _project_recipients,
    lambda e: _(
        "The certification project of %(org)s has moved to: %(status)s",
        org=e.subject.organisation.name,
        status=e.subject.status.title,
    ),
    _project_page,
    template="project_update",
)

# --- self-assessments --------------------------------------------------------------------


def _after_approval(event: Event) -> list[User]:
    """The district's approval hands it to the city; the city's ends the review."""
    assessment = event.subject
    if assessment.status == AssessmentStatus.AWAITING_CITY:
        return who.unique(who.reviewer_of(assessment), who.enterprise_of_assessment(assessment))
    return who.enterprise_of_assessment(assessment)


ASSESSMENT_NOTICES = {
    "assessment.submit": Notice(
        Category.ASSESSMENTS,
        lambda e: who.reviewer_of(e.subject),
        lambda e: _(
            "The self-assessment of %(org)s (%(year)d) waits for your review",
            org=e.subject.organisation.name,
            year=e.subject.year,
        ),
        _assessment_page,
    ),
    "assessment.approve": Notice(
        Category.ASSESSMENTS,
        _after_approval,
        lambda e: _(
            "The self-assessment of %(org)s (%(year)d): %(status)s",
            org=e.subject.organisation.name,
            year=e.subject.year,
            status=e.subject.status.title,
        ),
        _assessment_page,
    ),
    "assessment.return": Notice(
        Category.ASSESSMENTS,
        lambda e: who.enterprise_of_assessment(e.subject),
        lambda e: _(
            "The self-assessment of %(org)s (%(year)d) was returned for correction",
            org=e.subject.organisation.name,
            year=e.subject.year,
        ),
        _assessment_page,
    ),
}

# --- findings --------------------------------------------------------------------------------


def _finding_title(text: Any) -> Callable[[Event], str]:
    """``text``: a lazy message with %(kind)s, %(clause)s and %(org)s."""

    def title(event: Event) -> str:
        finding = event.subject
        return str(text) % {
            "kind": finding.kind.title,
            "clause": finding.clause_code,
            "org": who.project_of(finding.audit).organisation.name,
        }

    return title


def _enterprise_of_finding(event: Event) -> list[User]:
    return who.enterprise_of(who.project_of(event.subject.audit))


FINDING_NOTICES = {
    "finding.logged": Notice(
        Category.AUDITS,
        _enterprise_of_finding,
        _finding_title(_l("%(kind)s (clause %(clause)s) at %(org)s: please answer")),
        _finding_page,
    ),
    "finding.answer": Notice(
        Category.AUDITS,
        lambda e: who.team_of(e.subject.audit),
        _finding_title(
            _l("%(kind)s (clause %(clause)s) at %(org)s: answer waiting for verification")
        ),
        _finding_page,
    ),
    "finding.accept": Notice(
        Category.AUDITS,
        _enterprise_of_finding,
        _finding_title(_l("%(kind)s (clause %(clause)s) at %(org)s: action plan accepted")),
        _finding_page,
    ),
    "finding.verify": Notice(
        Category.AUDITS,
        _enterprise_of_finding,
        _finding_title(_l("%(kind)s (clause %(clause)s) at %(org)s: verified closed")),
        _finding_page,
    ),
    "finding.reject": Notice(
        Category.AUDITS,
        _enterprise_of_finding,
        _finding_title(_l("%(kind)s (clause %(clause)s) at %(org)s: the answer was rejected")),
        _finding_page,
    ),
}

# --- certificates ----------------------------------------------------------------------------


def _certificate_recipients(event: Event) -> list[User]:
    """The holder and the evaluation body; the alliance too when it did not act itself (the
    scheduler's moves, the evaluation body's suspension)."""
    holder_and_body = who.holder_and_body_of(event.subject)
    # An upheld appeal is the alliance's act too: its handler decided it.
    alliance_acted = has_permission(event.actor, Permission.CERTIFICATES_MANAGE) or isinstance(
        event.actor, OnDecisionOf
    )
    return who.unique(holder_and_body, [] if alliance_acted else who.alliance_staff())


CERTIFICATE_CHANGED = Notice(
    Category.CERTIFICATES,
    _certificate_recipients,
    lambda e: _(
        "Certificate %(number)s of %(org)s is now: %(status)s",
        number=e.subject.number,
        org=e.subject.enterprise_name,
        status=e.subject.status.title,
    ),
    _certificate_page,
)
# Not here: the scheduler's suspension for a missed surveillance (it sends its own overdue
# notice, with the due date, to the same people) and the recertification (the schedule's
# "new certificate issued" notice says it).
CERTIFICATE_MOVES = (
    "suspend",
    "restore",
    "revoke",
    "cancel",
    "suspend_at_surveillance",
    "revoke_long_suspension",
    "expire",
    "appeal_upheld",
)

CERTIFICATE_NOTICES = {
    **{f"certificate.{move}": CERTIFICATE_CHANGED for move in CERTIFICATE_MOVES},
    "certificate.reissue": Notice(
        Category.CERTIFICATES,
        _certificate_recipients,
        lambda e: _(
            "Certificate %(number)s of %(org)s is reissued as %(new)s",
            number=e.subject.number,
            org=e.context["now"].enterprise_name,
            new=e.context["now"].number,
        ),
        lambda e: external_url("certificates.verify", number=e.context["now"].number),
    ),
    "certificate_request.decline": Notice(
        Category.CERTIFICATES,
        lambda e: who.enterprise_of_certificate(e.subject.certificate),
        lambda e: _(
            "Your request for the %(kind)s of certificate %(number)s was declined",
            kind=e.subject.kind.title,
            number=e.subject.certificate.number,
        ),
        _certificate_page,
    ),
    "certificate.requested": Notice(
        Category.CERTIFICATES,
        lambda e: who.alliance_staff(),
        lambda e: _(
            "%(org)s asks for the %(kind)s of certificate %(number)s",
            org=e.subject.certificate.enterprise_name,
            kind=e.subject.kind.title,
            number=e.subject.certificate.number,
        ),
        _certificate_page,
    ),
}

# --- surveillance ----------------------------------------------------------------------------


def _holder(event: Event) -> list[User]:
    return who.holder_and_body_of(event.subject.certificate)


def _holder_and_alliance(event: Event) -> list[User]:
    return who.unique(_holder(event), who.alliance_staff())


def _schedule_title(text: Any) -> Callable[[Event], str]:
    """``text``: a lazy message with %(what)s and %(number)s."""

    def title(event: Event) -> str:
        item = event.subject
        return str(text) % {"what": item.kind.title, "number": item.certificate.number}

    return title


SCHEDULE_NOTICES = {
    "schedule.plan": Notice(
        Category.SURVEILLANCE,
        _holder,
        _schedule_title(_l("%(what)s of certificate %(number)s: the audit is planned")),
        _certificate_page,
    ),
    "schedule.maintain": Notice(
        Category.SURVEILLANCE,
        _holder_and_alliance,
        _schedule_title(_l("%(what)s of certificate %(number)s: the certificate is maintained")),
        _certificate_page,
    ),
    "schedule.recommend": Notice(
        Category.SURVEILLANCE,
        lambda e: who.unique(_holder(e), who.alliance_staff()),
        _schedule_title(
            _l("%(what)s of certificate %(number)s: recommended, waiting for the compliance review")
        ),
        _certificate_page,
    ),
    "schedule.not_recommend": Notice(
        Category.SURVEILLANCE,
        _holder_and_alliance,
        _schedule_title(_l("%(what)s of certificate %(number)s: not recommended")),
        _certificate_page,
    ),
    "schedule.pass_review": Notice(
        Category.SURVEILLANCE,
        lambda e: who.alliance_staff(),
        _schedule_title(
            _l(
                "%(what)s of certificate %(number)s: compliance review passed, waiting for "
                "the re-review"
            )
        ),
        _certificate_page,
    ),
    "schedule.issue": Notice(
        Category.SURVEILLANCE,
        _holder,
        _schedule_title(_l("%(what)s of certificate %(number)s: the new certificate is issued")),
        _certificate_page,
    ),
}

# --- campaigns -------------------------------------------------------------------------------

CAMPAIGN_NOTICES = {
    # The authorities below steer their part (their units' quotas); enterprises find the open
    # campaign on their dashboard and their self-assessment page.
    "campaign.launch": Notice(
        Category.CAMPAIGNS,
        lambda e: who.authorities_below(e.subject.authority),
        lambda e: _(
            "%(authority)s launched %(title)s: enterprises fill in from %(opens)s to %(closes)s",
            authority=e.subject.authority.name,
            title=e.subject.title,
            opens=format_date(e.subject.opens_on),
            closes=format_date(e.subject.closes_on),
        ),
        lambda e: external_url("campaigns.view", campaign_id=e.subject.id),
    ),
    "campaign.quota": Notice(
        Category.CAMPAIGNS,
        lambda e: who.authorities_at(e.subject.region_code),
        lambda e: _(
            "Your quota in %(title)s: %(target)s",
            title=e.subject.campaign.title,
            target=quota_text(e.subject.absolute, e.subject.share_percent),
        ),
        lambda e: external_url(
            "campaigns.view", campaign_id=e.subject.campaign_id, region=e.subject.region_code
        ),
    ),
    # The authorities of the units the bulletin ranks (the issuing region's own row aside).
    "campaign.bulletin": Notice(
        Category.CAMPAIGNS,
        lambda e: who.authorities_in([row["code"] for row in e.subject.rows[1:]]),
        lambda e: _(
            "%(authority)s issued the progress bulletin of %(title)s for %(quarter)s",
            authority=e.subject.authority.name,
            title=e.subject.campaign.title,
            quarter=e.subject.quarter,
        ),
        lambda e: (
            external_url("campaigns.view", campaign_id=e.subject.campaign_id) + "#bulletins-title"
        ),
    ),
}


def quota_text(absolute: int | None, share_percent: int | None) -> str:
    if absolute is not None and share_percent is not None:
        return _(
            "%(n)d enterprises or %(share)d %% of your roster, whichever is larger",
            n=absolute,
            share=share_percent,
        )
    if share_percent is not None:
        return _("%(share)d %% of your roster", share=share_percent)
    return _("%(n)d enterprises", n=absolute or 0)


BENCHMARK_NOTICES = {
    "benchmark.mark": Notice(
        Category.ASSESSMENTS,
        lambda e: who.enterprise_of_benchmark(e.subject),
        lambda e: _(
            "%(authority)s named your enterprise a benchmark enterprise for %(year)d",
            authority=e.subject.marked_by.name,
            year=e.subject.year,
        ),
        lambda e: external_url("assessment.report", assessment_id=e.subject.assessment_id),
    ),
}

# --- publicity -------------------------------------------------------------------------------

PUBLICITY_NOTICES = {
    "objection.lodged": Notice(
        Category.PUBLICITY,
        lambda e: who.alliance_staff(),
        lambda e: _(
            "An objection to the announcement of %(org)s waits for a decision",
            org=e.subject.entry.enterprise_name,
        ),
        _publicity_desk,
    ),
    "objection.dismiss": Notice(
        Category.PUBLICITY,
        lambda e: who.enterprise_of(e.context["project"]),
        lambda e: _(
            "An objection to the announcement of %(org)s was dismissed",
            org=e.subject.entry.enterprise_name,
        ),
        lambda e: external_url("projects.view", project_id=e.context["project"].id),
    ),
}


# --- diagnosis engagements ------------------------------------------------------------------


def _engagement_page(event: Event) -> str:
    return external_url("engagements.view", engagement_id=event.subject.id)


def _engagement_parties(event: Event) -> list[User]:
    """The authority, the enterprise and the provider, but the one that acted."""
    return who.engagement_parties(event.subject, but=event.actor.organisation_id)


def _engagement_notice(title: Callable[[Event], str]) -> Notice:
    return Notice(Category.DIAGNOSIS, _engagement_parties, title, _engagement_page)


ENGAGEMENT_NOTICES = {
    "engagement.enrol": _engagement_notice(
        lambda e: _(
            "%(authority)s enrolled %(org)s in its diagnosis programme, with %(provider)s",
            authority=e.subject.authority.name,
            org=e.subject.enterprise.name,
            provider=e.subject.provider.name,
        )
    ),
    "engagement.file_agreement": _engagement_notice(
        lambda e: _(
            "%(provider)s filed its diagnosis agreement with %(org)s",
            provider=e.subject.provider.name,
            org=e.subject.enterprise.name,
        )
    ),
    # A form filled in once (the application, the advance notice): for the other parties.
    "engagement.form": _engagement_notice(
        lambda e: _(
            "%(party)s filled in the %(form)s of the diagnosis of %(org)s",
            party=e.context["party"],
            form=e.context["form"].title.get(get_locale()),
            org=e.subject.enterprise.name,
        )
    ),
    "engagement.start": _engagement_notice(
        lambda e: _(
            "The diagnosis work group of %(provider)s goes on site at %(org)s",
            provider=e.subject.provider.name,
            org=e.subject.enterprise.name,
        )
    ),
    "engagement.submit_report": _engagement_notice(
        lambda e: _(
            "%(provider)s submitted the diagnosis report of %(org)s",
            provider=e.subject.provider.name,
            org=e.subject.enterprise.name,
        )
    ),
    "engagement.present": _engagement_notice(
        lambda e: _(
            "The diagnosis report of %(org)s was presented: the enterprise's survey is awaited",
            org=e.subject.enterprise.name,
        )
    ),
    "engagement.survey": _engagement_notice(
        lambda e: _(
            "%(org)s rated its diagnosis: %(verdict)s; the report awaits acceptance",
            org=e.subject.enterprise.name,
            verdict=e.subject.verdict.title if e.subject.verdict else "",
        )
    ),
    "engagement.accept": _engagement_notice(
        lambda e: _(
            "%(authority)s accepted the diagnosis report of %(org)s",
            authority=e.subject.authority.name,
            org=e.subject.enterprise.name,
        )
    ),
    "engagement.return": _engagement_notice(
        lambda e: _(
            "%(authority)s returned the diagnosis report of %(org)s for revision",
            authority=e.subject.authority.name,
            org=e.subject.enterprise.name,
        )
    ),
    "engagement.resubmit": _engagement_notice(
        lambda e: _(
            "%(provider)s resubmitted the revised diagnosis report of %(org)s",
            provider=e.subject.provider.name,
            org=e.subject.enterprise.name,
        )
    ),
    # A provider's progress report (seed 002 5.1): for the authority it reports to.
    "engagement.progress_report": Notice(
        Category.DIAGNOSIS,
        lambda e: who.contacts(e.subject.authority_id),
        lambda e: _(
            "%(provider)s reported its diagnosis progress from %(start)s to %(end)s",
            provider=e.subject.provider.name,
            start=format_date(e.subject.period_start),
            end=format_date(e.subject.period_end),
        ),
        lambda e: external_url("engagements.progress_report", report_id=e.subject.id),
    ),
    # The provider filed needs or matched solutions in the enterprise's demand library (once a
    # day however many): for the enterprise.
    "demand.record": Notice(
        Category.DIAGNOSIS,
        lambda e: who.contacts(e.subject.enterprise_id),
        lambda e: _(
            "%(provider)s filed the needs of %(org)s and the solutions matched to them in its "
            "demand library",
            provider=e.subject.provider.name,
            org=e.subject.enterprise.name,
        ),
        lambda e: external_url("demand.library", engagement_id=e.subject.id),
    ),
    "engagement.withdraw": _engagement_notice(
        lambda e: _(
            "%(authority)s withdrew the diagnosis engagement of %(org)s",
            authority=e.subject.authority.name,
            org=e.subject.enterprise.name,
        )
    ),
}


# --- the provider pool (seed 004) ------------------------------------------------------------


def _place(event: Event) -> str:
    return external_url("pool.view", member_id=event.subject.id)


def _objected_place(event: Event) -> str:
    return external_url("pool.view", member_id=event.subject.member_id) + "#objections"


def _to_provider(title: Callable[[Event], str]) -> Notice:
    return Notice(Category.DIAGNOSIS, lambda e: who.contacts(e.subject.provider_id), title, _place)


def _to_authority(title: Callable[[Event], str]) -> Notice:
    return Notice(Category.DIAGNOSIS, lambda e: who.contacts(e.subject.authority_id), title, _place)


POOL_NOTICES = {
    "pool.submit": _to_authority(
        lambda e: _(
            "%(provider)s applied to your provider pool: assign its experts",
            provider=e.subject.provider.name,
        )
    ),
    "pool.assign": Notice(
        Category.DIAGNOSIS,
        lambda e: [e.context["expert"]],
        lambda e: _(
            "You are to review the pool application of %(provider)s",
            provider=e.subject.provider.name,
        ),
        _place,
    ),
    "pool.record_opinion": _to_authority(
        lambda e: _(
            "An expert gave an opinion on the pool application of %(provider)s",
            provider=e.subject.provider.name,
        )
    ),
    "pool.admit": _to_provider(
        lambda e: _(
            "%(authority)s admitted you to its provider pool; published until %(end)s",
            authority=e.subject.authority.name,
            end=format_date(e.subject.publicity_ends_on),
        )
    ),
    "pool.refuse": _to_provider(
        lambda e: _(
            "%(authority)s refused your pool application: %(reason)s",
            authority=e.subject.authority.name,
            reason=e.context["reason"],
        )
    ),
    "pool.close_publicity": _to_provider(
        lambda e: _(
            "Your publicity ended without objection: you are in the pool of %(authority)s",
            authority=e.subject.authority.name,
        )
    ),
    "pool.uphold_objection": _to_provider(
        lambda e: _(
            "An objection to your admission was upheld: %(reason)s", reason=e.context["reason"]
        )
    ),
    "pool.suspend": _to_provider(
        lambda e: _(
            "%(authority)s suspended you from its provider pool: %(reason)s",
            authority=e.subject.authority.name,
            reason=e.context["reason"],
        )
    ),
    "pool.restore": _to_provider(
        lambda e: _(
            "%(authority)s restored you in its provider pool", authority=e.subject.authority.name
        )
    ),
    "pool.remove": _to_provider(
        lambda e: _(
            "%(authority)s removed you from its provider pool: %(reason)s",
            authority=e.subject.authority.name,
            reason=e.context["reason"],
        )
    ),
    "pool.objection": Notice(
        Category.DIAGNOSIS,
        lambda e: who.contacts(e.subject.member.authority_id),
        lambda e: _(
            "An objection to the admission of %(provider)s waits for your decision",
            provider=e.subject.member.provider.name,
        ),
        _objected_place,
    ),
    # An upheld appeal (blueprints/cases): the provider and the authority whose decision fell.
    "pool.appeal_upheld": Notice(
        Category.DIAGNOSIS,
        lambda e: who.unique(
            who.contacts(e.subject.provider_id), who.contacts(e.subject.authority_id)
        ),
        lambda e: _(
            "Appeal %(reference)s upheld: %(provider)s is back in the pool of %(authority)s",
            reference=e.context["case"].reference,
            provider=e.subject.provider.name,
            authority=e.subject.authority.name,
        ),
        _place,
    ),
    "pool.rated": _to_provider(
        lambda e: _(
            "An enterprise rated your service: your rating is now %(rating)s",
            rating=f"{e.subject.rating:.1f}" if e.subject.rating else "",
        )
    ),
}


# --- reform projects (seed 004 三(二)2) -------------------------------------------------------


def _reform_page(event: Event) -> str:
    return external_url("reform.view", project_id=event.subject.id)


def _reform_notice(
    recipients: Callable[[Event], list[User]], title: Callable[[Event], str]
) -> Notice:
    return Notice(Category.DIAGNOSIS, recipients, title, _reform_page)


def _reform_enterprise(e: Event) -> list[User]:
    return who.contacts(e.subject.enterprise_id)


def _reform_enterprise_and_providers(e: Event) -> list[User]:
    return who.unique(
        who.contacts(e.subject.enterprise_id),
        *(who.contacts(c.provider_id) for c in e.subject.contracts),
    )


def _reform_enterprise_and_authorities(e: Event) -> list[User]:
    project = e.subject
    return who.unique(
        who.contacts(project.enterprise_id),
        who.contacts(project.county_authority_id),
        who.contacts(project.authority_id),
    )


def _reform_every_party(e: Event) -> list[User]:
    """The enterprise, both authorities, the evaluation body and the contracted providers, but
    the organisation that acted."""
    project = e.subject
    everyone = who.unique(
        _reform_enterprise_and_authorities(e),
        who.contacts(project.evaluation_body_id),
        *(who.contacts(c.provider_id) for c in project.contracts),
    )
    acting = getattr(e.actor, "organisation_id", None)
    return [u for u in everyone if u.organisation_id != acting]


REFORM_NOTICES = {
    "reform.file": _reform_notice(
        lambda e: who.contacts(e.subject.county_authority_id),
        lambda e: _(
            "%(enterprise)s filed the reform project %(name)s: give your opinion",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
        ),
    ),
    "reform.county_agree": _reform_notice(
        lambda e: who.contacts(e.subject.authority_id),
        lambda e: _(
            "The county agreed to the reform project %(name)s of %(enterprise)s: file it",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
        ),
    ),
    "reform.county_return": _reform_notice(
        _reform_enterprise,
        lambda e: _(
            "The county authority returned your reform project %(name)s: %(reason)s",
            name=e.subject.name,
            reason=e.context["reason"],
        ),
    ),
    "reform.city_return": _reform_notice(
        _reform_enterprise,
        lambda e: _(
            "The city authority returned your reform project %(name)s: %(reason)s",
            name=e.subject.name,
            reason=e.context["reason"],
        ),
    ),
    "reform.city_file": _reform_notice(
        _reform_enterprise_and_providers,
        lambda e: _(
            "The reform project %(name)s of %(enterprise)s is filed: its implementation begins",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
        ),
    ),
    # After the implementation (seed 004 三(二)5-6): the third parties, the grading, the
    # acceptance and its conclusion by the county, the special audit report.
    "reform.appoint": _reform_notice(
        lambda e: who.unique(*(who.contacts(org) for org in e.context["named"])),
        lambda e: _(
            "The city authority named you for the reform project %(name)s of %(enterprise)s",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
        ),
    ),
    "reform.grade": _reform_notice(
        _reform_enterprise_and_authorities,
        lambda e: _(
            "The reform project %(name)s of %(enterprise)s is graded: %(grade)s",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
            grade=e.context["reason"],
        ),
    ),
    "reform.acceptance": _reform_notice(
        _reform_enterprise_and_authorities,
        lambda e: _(
            "The expert group's acceptance of the reform project %(name)s of %(enterprise)s: "
            "%(verdict)s; the county authority gives its opinion",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
            verdict=e.context["acceptance"].verdict.title,
        ),
    ),
    "reform.accept": _reform_notice(
        _reform_every_party,
        lambda e: _(
            "The reform project %(name)s of %(enterprise)s is accepted",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
        ),
    ),
    "reform.rectify": _reform_notice(
        _reform_every_party,
        lambda e: _(
            "The reform project %(name)s of %(enterprise)s failed its acceptance: rectify it "
            "and declare it implemented again",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
        ),
    ),
    "reform.county_disagree": _reform_notice(
        _reform_every_party,
        lambda e: _(
            "The county authority disagreed with the acceptance of the reform project %(name)s "
            "of %(enterprise)s: rectify it and declare it implemented again (%(reason)s)",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
            reason=e.context["reason"],
        ),
    ),
    "reform.audit_report": _reform_notice(
        lambda e: who.unique(
            who.contacts(e.subject.enterprise_id), who.contacts(e.subject.authority_id)
        ),
        lambda e: _(
            "The special audit report of the reform project %(name)s of %(enterprise)s is filed",
            enterprise=e.subject.enterprise.name,
            name=e.subject.name,
        ),
    ),
}


# --- reform subsidies (seed 004 三(二)7) ------------------------------------------------------


def _subsidy_page(event: Event) -> str:
    return external_url("reform.view", project_id=event.subject.project_id) + "#subsidy"


def _subsidy_notice(
    recipients: Callable[[Event], list[User]], title: Callable[[Event], str]
) -> Notice:
    return Notice(Category.DIAGNOSIS, recipients, title, _subsidy_page)


def _subsidy_enterprise(e: Event) -> list[User]:
    return who.contacts(e.subject.project.enterprise_id)


REFORM_SUBSIDY_NOTICES = {
    "reform_subsidy.apply": _subsidy_notice(
        lambda e: who.contacts(e.subject.project.authority_id),
        lambda e: _(
            "%(enterprise)s applied for the subsidy of the reform project %(name)s: decide",
            enterprise=e.subject.project.enterprise.name,
            name=e.subject.project.name,
        ),
    ),
    "reform_subsidy.approve": _subsidy_notice(
        _subsidy_enterprise,
        lambda e: _(
            "The subsidy of your reform project %(name)s is approved: %(amount)s yuan",
            name=e.subject.project.name,
            amount=f"{e.context['amount']:,.2f}",
        ),
    ),
    "reform_subsidy.refuse": _subsidy_notice(
        _subsidy_enterprise,
        lambda e: _(
            "The subsidy of your reform project %(name)s is refused: %(reason)s",
            name=e.subject.project.name,
            reason=e.context["reason"],
        ),
    ),
    "reform_subsidy.pay": _subsidy_notice(
        _subsidy_enterprise,
        lambda e: _(
            "The subsidy of your reform project %(name)s is paid: %(amount)s yuan",
            name=e.subject.project.name,
            amount=f"{e.context['amount']:,.2f}",
        ),
    ),
}

# --- accounts --------------------------------------------------------------------------------


def _account_holder(event: Event) -> list[User]:
    return [event.subject]


def _sign_in_page(_event: Event) -> str:
    return external_url("auth.login")


ACCOUNT_NOTICES = {
    "account.reset_link_sent": Notice(
        Category.ACCOUNT,
        _account_holder,
        lambda e: _(
            "%(authority)s sent a link to reset your password to %(email)s",
            authority=e.context["authority"].name,
            email=e.subject.email,
        ),
        _sign_in_page,
        template="account_recovery",
    ),
    "account.one_time_password_set": Notice(
        Category.ACCOUNT,
        _account_holder,
        lambda e: _(
            "%(authority)s set a one-time password for your account",
            authority=e.context["authority"].name,
        ),
        _sign_in_page,
        template="account_recovery",
    ),
}


def _key_administrators(event: Event) -> list[User]:
    """An organisation's administrators hear of every key made or revoked for it: a key acts for
    one of them, and an unexpected one may be the first sign of an account taken over."""
    return who.unique(who.contacts(event.subject.organisation_id), [event.subject.created_by])


def _keys_page(_event: Event) -> str:
    return external_url("api_keys.index")


API_KEY_NOTICES = {
    "api_key.created": Notice(
        Category.ACCOUNT,
        _key_administrators,
        lambda e: _(
            "%(person)s made the API key %(name)s for %(org)s",
            person=e.actor.name,
            name=e.subject.name,
            org=e.context["organisation"].name,
        ),
        _keys_page,
    ),
    "api_key.expiring": Notice(
        Category.ACCOUNT,
        _key_administrators,
        lambda e: _(
            "The API key %(name)s of %(org)s works until %(day)s: make a new one for the "
            "programs that use it",
            name=e.subject.name,
            org=e.context["organisation"].name,
            day=format_date(e.context["last_day"]),
        ),
        _keys_page,
    ),
    "api_key.revoked": Notice(
        Category.ACCOUNT,
        _key_administrators,
        lambda e: _(
            "%(person)s revoked the API key %(name)s of %(org)s",
            person=e.actor.name,
            name=e.subject.name,
            org=e.context["organisation"].name,
        ),
        _keys_page,
    ),
}


WEBHOOK_NOTICES = {
    # A delivery that failed after every retry: the receiver missed an event.
    "webhook.dead": Notice(
        Category.WEBHOOKS,
        lambda e: who.contacts(e.context["endpoint"].organisation_id),
        lambda e: _(
            "A webhook delivery (%(event)s) to %(url)s failed after %(n)d attempts",
            event=e.subject.event_type.value,
            url=e.context["endpoint"].url,
            n=e.subject.attempts,
        ),
        lambda e: external_url(
            "webhooks.deliveries", endpoint_id=e.subject.endpoint_id, status="dead"
        ),
    ),
}


def notice_for(name: str) -> Notice | None:
    """The row of an event; every move of a project is the one project notice."""
    if name.startswith("project."):
        return PROJECT_MOVED
    return NOTICES.get(name)


# --- notices down a region ------------------------------------------------------------------

NOTICE_NOTICES = {
    # Every organisation addressed (the authorities below, the region's enterprises, or both).
    "notice.publish": Notice(
        Category.NOTICES,
        lambda e: who.organisations_below(e.subject.authority, e.subject.audience.kinds),
        lambda e: _(
            "Notice from %(authority)s: %(title)s",
            authority=e.subject.authority.name,
            title=e.subject.title,
        ),
        lambda e: external_url("notices.view", notice_id=e.subject.id),
    ),
}


def _export_page(event: Event) -> str:
    return external_url("exports.view", job_id=event.subject.id)


EXPORT_NOTICES = {
    # A large list's Excel, prepared by the scheduler for the one who asked (app.list_exports).
    "export.done": Notice(
        Category.EXPORTS,
        lambda e: [e.subject.owner] if e.subject.owner.active else [],
        lambda e: _(
            "Your Excel %(title)s is ready (%(num)s rows)",
            title=e.subject.title,
            num=f"{e.subject.rows_written:,}",
        ),
        _export_page,
    ),
    "export.failed": Notice(
        Category.EXPORTS,
        lambda e: [e.subject.owner] if e.subject.owner.active else [],
        lambda e: _(
            "Your Excel %(title)s could not be prepared: %(reason)s",
            title=e.subject.title,
            reason=e.subject.error_message,
        ),
        _export_page,
    ),
}

# --- the evaluator register ---------------------------------------------------------------


def _evaluator_page(event: Event) -> str:
    record = event.subject
    kind = "registration" if hasattr(record, "expires_on") else "competence"
    return external_url("evaluators.person", user_id=record.user_id) + f"#{kind}-{record.id}"


def _evaluator_record(record: Any) -> str:
    """A registration (its grade and number) or a competence claim (its sector)."""
    if hasattr(record, "expires_on"):
        return f"{record.grade.title} {record.number}"
    return _("competence in %(sector)s", sector=record.industry.display_name)


def _person_and_body(event: Event) -> list[User]:
    person = event.subject.user
    return who.unique([person] if person.active else [], who.contacts(event.subject.body_id))


def _evaluator_title(text: Any) -> Callable[[Event], str]:
    """``text``: a lazy message with %(what)s and %(name)s."""

    def title(event: Event) -> str:
        record = event.subject
        return str(text) % {"what": _evaluator_record(record), "name": record.user.name}

    return title


_WAITS_FOR_APPROVAL = Notice(
    Category.EVALUATORS,
    lambda e: who.alliance_staff(),
    _evaluator_title(_l("%(what)s of %(name)s waits for approval")),
    _evaluator_page,
)

EVALUATOR_NOTICES = {
    "evaluator_record.submitted": _WAITS_FOR_APPROVAL,
    "evaluator_record.resubmit": _WAITS_FOR_APPROVAL,
    "evaluator_record.approve": Notice(
        Category.EVALUATORS,
        _person_and_body,
        _evaluator_title(_l("%(what)s of %(name)s is approved")),
        _evaluator_page,
    ),
    "evaluator_record.return": Notice(
        Category.EVALUATORS,
        _person_and_body,
        _evaluator_title(_l("%(what)s of %(name)s was returned: please correct it")),
        _evaluator_page,
    ),
    "evaluator_registration.expiring": Notice(
        Category.EVALUATORS,
        _person_and_body,
        lambda e: _(
            "%(what)s of %(name)s expires on %(day)s",
            what=_evaluator_record(e.subject),
            name=e.subject.user.name,
            day=format_date(e.subject.expires_on),
        ),
        _evaluator_page,
    ),
}

# --- complaints and appeals ---------------------------------------------------------------


def _case_page(event: Event) -> str:
    return external_url("cases.view", case_id=event.subject.id)


def _case_title(text: Any) -> Callable[[Event], str]:
    """``text``: a lazy message with %(kind)s, %(reference)s, %(concerned)s and %(outcome)s."""

    def title(event: Event) -> str:
        case = event.subject
        return str(text) % {
            "kind": case.kind.title,
            "reference": case.reference,
            "concerned": case.concerned.name,
            "outcome": case.outcome.title if case.outcome else "",
        }

    return title


def _overdue_title(event: Event) -> str:
    case = event.subject
    if event.context["step"] == "acknowledge":
        text = _l("%(kind)s %(reference)s was not acknowledged by %(day)s")
    else:
        text = _l("%(kind)s %(reference)s was not decided by %(day)s")
    return str(text) % {
        "kind": case.kind.title,
        "reference": case.reference,
        "day": format_date(event.context["due_on"]),
    }


CASE_NOTICES = {
    "case.filed": Notice(
        Category.CASES,
        lambda e: who.alliance_staff(),
        _case_title(_l("%(kind)s %(reference)s about %(concerned)s waits for a handler")),
        _case_page,
    ),
    "case.assign": Notice(
        Category.CASES,
        lambda e: [e.subject.handler] if e.subject.handler else [],
        _case_title(_l("You handle %(kind)s %(reference)s about %(concerned)s")),
        _case_page,
    ),
    "case.acknowledge": Notice(
        Category.CASES,
        lambda e: who.filer_of(e.subject),
        _case_title(_l("%(kind)s %(reference)s is acknowledged and under investigation")),
        _case_page,
    ),
    "case.decide": Notice(
        Category.CASES,
        lambda e: who.unique(who.filer_of(e.subject), who.authority_of_pool_appeal(e.subject)),
        _case_title(_l("%(kind)s %(reference)s is decided: %(outcome)s")),
        _case_page,
    ),
    "case.respond": Notice(
        Category.CASES,
        lambda e: who.filer_of(e.subject),
        _case_title(_l("The response to %(kind)s %(reference)s")),
        _case_page,
    ),
    # Escalation: the alliance's staff and the administrators.
    "case.overdue": Notice(
        Category.CASES,
        lambda e: who.unique(who.alliance_staff(), who.administrators()),
        _overdue_title,
        _case_page,
    ),
}

# --- special audits --------------------------------------------------------------------------
# The body reads the order, the holder only that an audit is planned (never the complaint), the
# case's handler the result.


def _special_page(event: Event) -> str:
    return external_url("special_audits.view", special_id=event.subject.id)


def _special_title(text: Any) -> Callable[[Event], str]:
    """``text``: a lazy message with %(number)s, %(day)s and %(recommendation)s."""

    def title(event: Event) -> str:
        special = event.subject
        audit = special.audit
        return str(text) % {
            "number": special.certificate.number,
            "day": format_date(audit.starts_on) if audit is not None else "",
            "recommendation": special.recommendation.title if special.recommendation else "",
        }

    return title


def _the_body(event: Event) -> list[User]:
    return who.body_of_certificate(event.subject.certificate)


_SPECIAL_COMPLETED = Notice(
    Category.CASES,
    lambda e: [e.subject.case.handler] if e.subject.case.handler else [],
    _special_title(
        _l("The special audit of certificate %(number)s is completed: %(recommendation)s")
    ),
    lambda e: external_url("cases.view", case_id=e.subject.case_id) + "#special-audits",
)

SPECIAL_AUDIT_NOTICES = {
    "special_audit.order": Notice(
        Category.AUDITS,
        _the_body,
        _special_title(_l("A special audit of certificate %(number)s is ordered: schedule it")),
        _special_page,
    ),
    "special_audit.schedule": Notice(
        Category.AUDITS,
        lambda e: who.unique(
            who.enterprise_of_certificate(e.subject.certificate), who.team_of(e.subject.audit)
        ),
        _special_title(_l("A special audit of certificate %(number)s is planned from %(day)s")),
        lambda e: external_url("audits.view", audit_id=e.subject.audit_id),
    ),
    **{f"special_audit.{name}": _SPECIAL_COMPLETED for name in ("maintain", "suspend", "revoke")},
    "special_audit.cancel": Notice(
        Category.AUDITS,
        _the_body,
        _special_title(_l("The special audit of certificate %(number)s is cancelled")),
        _special_page,
    ),
}

NOTICES: dict[str, Notice] = {
    **ASSESSMENT_NOTICES,
    **FINDING_NOTICES,
    **CERTIFICATE_NOTICES,
    **SCHEDULE_NOTICES,
    **PUBLICITY_NOTICES,
    **CAMPAIGN_NOTICES,
    **BENCHMARK_NOTICES,
    **NOTICE_NOTICES,
    **ENGAGEMENT_NOTICES,
    **POOL_NOTICES,
    **REFORM_NOTICES,
    **REFORM_SUBSIDY_NOTICES,
    **ACCOUNT_NOTICES,
    **API_KEY_NOTICES,
    **WEBHOOK_NOTICES,
    **EXPORT_NOTICES,
    **EVALUATOR_NOTICES,
    **CASE_NOTICES,
    **SPECIAL_AUDIT_NOTICES,
}
