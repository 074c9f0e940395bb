"""The top bar's menu: the pages it links to, each behind its permission, and how each role's
menu lays them out — a few links at the top level (the pages a role uses most), the rest in
dropdowns — so that it holds on one row of a 1,280 px window in Chinese and in English.

A group of which a user holds one page only shows as that page's link; a page the user lacks
the permission for is left out, whatever the layout says. One's own pages (profile,
organisation, notification settings) sit under one's name, for every role.
tests/unit/test_navigation.py fails when a role's layout misses a page the role may open, or
names one twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from flask import current_app, get_template_attribute, request
from flask.sansio.app import App
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.public_cache import PageMemo
from app.security.permissions import Permission, permissions_of
from models.user import Role, User

MENU_MEMO_KEY = "certpath.menu_memo"
# (Roles × the permission sets their users hold + the public) × languages × pages × the
# menu, the account's and the layout's parts: a few thousand at most.
MENUS_KEPT = 8000
# The settings the layout's parts show (templates/_layout.html): part of what they are kept under.
LAYOUT_SETTINGS = ("OPERATOR_NAME", "OPERATOR_EMAIL", "OPERATOR_PHONE", "ICP_LICENCE")


@dataclass(frozen=True)
class NavItem:
    title: object
    endpoint: str
    permission: Permission


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of the menu; ``key`` names its toggle (``nav-<key>``)."""

    key: str
    title: object
    items: tuple[NavItem, ...]

    def holds(self, endpoint: str | None) -> bool:
        return any(item.endpoint == endpoint for item in self.items)


NavEntry = NavItem | NavGroup

DASHBOARD = NavItem(_l("Dashboard"), "main.dashboard", Permission.DASHBOARD_VIEW)
SELF_ASSESSMENT = NavItem(_l("Self-assessment"), "assessment.index", Permission.ASSESSMENT_FILL)
REVIEW_QUEUE = NavItem(_l("Review queue"), "assessment.queue", Permission.ASSESSMENT_REVIEW)
DECIDED_REVIEWS = NavItem(
    _l("Decided reviews"), "main.review_history_page", Permission.ASSESSMENT_REVIEW
)
REGION_ASSESSMENTS = NavItem(
    _l("Region's assessments"), "assessment.region", Permission.ASSESSMENT_REVIEW
)
REGION_PROJECTS = NavItem(
    _l("Region's projects"), "projects.region", Permission.REGION_PROJECTS_VIEW
)
REGION_CERTIFICATES = NavItem(
    _l("Region's certificates"), "certificates.region", Permission.REGION_PROJECTS_VIEW
)
STATISTICS = NavItem(_l("Statistics"), "statistics.index", Permission.REGION_STATISTICS_VIEW)
DATA_MAP = NavItem(_l("Data map"), "statistics.region_map_page", Permission.REGION_STATISTICS_VIEW)
CAMPAIGNS = NavItem(_l("Campaigns"), "campaigns.index", Permission.CAMPAIGNS_MANAGE)
ROSTER = NavItem(_l("Roster"), "roster.index", Permission.ROSTER_MANAGE)
NOTICES = NavItem(_l("Notices"), "notices.index", Permission.NOTICES_READ)
PROJECTS = NavItem(_l("Projects"), "projects.index", Permission.PROJECT_VIEW)
FINDINGS = NavItem(_l("Findings"), "audits.findings", Permission.PROJECT_EVALUATE)
# The evaluator register: the alliance's of every body, a body's administrators' of their
# people (the same page), an evaluator's own record.
EVALUATOR_REGISTER = NavItem(
    _l("Evaluator register"), "evaluators.index", Permission.EVALUATORS_APPROVE
)
BODY_EVALUATORS = NavItem(_l("Our evaluators"), "evaluators.index", Permission.EVALUATORS_RECORD)
MY_EVALUATOR_RECORD = NavItem(
    _l("My evaluator record"), "evaluators.mine", Permission.EVALUATOR_OWN_VIEW
)
# The register's reports; the three pages link to one another (tabs), the menu to the first.
EVALUATOR_REPORTS = NavItem(
    _l("Evaluator reports"), "evaluator_reports.bodies", Permission.EVALUATOR_REPORTS_VIEW
)
MY_ORGANISATION = NavItem(_l("My organisation"), "orgs.mine", Permission.ORG_VIEW)
REGION_ORGANISATIONS = NavItem(_l("Organisations"), "orgs.index", Permission.REGION_ORGS_VIEW)
ALL_ORGANISATIONS = NavItem(_l("Organisations"), "orgs.index", Permission.ALL_ORGS_VIEW)
PUBLICITY_DESK = NavItem(_l("Publicity desk"), "publicity.desk", Permission.ALLIANCE_REVIEW)
# Titled as its page is; the group holding it is "Certificates".
CERTIFICATES = NavItem(
    _l("Certificate register"), "certificates.register", Permission.CERTIFICATES_MANAGE
)
HOLDER_REQUESTS = NavItem(
    _l("Holder requests"), "certificates.queues.requests", Permission.CERTIFICATES_MANAGE
)
ISSUED_CERTIFICATES = NavItem(
    _l("Issued certificates"), "certificates.queues.issued", Permission.PROJECT_EVALUATE
)
MY_CERTIFICATES = NavItem(_l("My certificates"), "certificates.mine", Permission.CERTIFICATES_OWN)
DIGITAL_LEVEL = NavItem(
    _l("Digital level"), "diagnosis.sme_level_page", Permission.SME_LEVEL_EVALUATE
)
DIAGNOSIS = NavItem(_l("Diagnosis"), "engagements.index", Permission.DIAGNOSIS_VIEW)
DEMAND_LIBRARY = NavItem(_l("Demand library"), "demand.index", Permission.DIAGNOSIS_VIEW)
PROVIDER_POOL = NavItem(_l("Provider pool"), "pool.index", Permission.DIAGNOSIS_VIEW)
REFORM_PROJECTS = NavItem(_l("Reform projects"), "reform.index", Permission.REFORM_VIEW)
REFORM_SUBSIDIES = NavItem(
    _l("Reform subsidies"), "reform_subsidy.index", Permission.DIAGNOSIS_MANAGE
)
DIAGNOSIS_PROGRESS = NavItem(
    _l("Diagnosis progress"), "engagements.progress_page", Permission.DIAGNOSIS_MANAGE
)
REFORM_BOARD = NavItem(_l("Programme board"), "reform.board_page", Permission.DIAGNOSIS_MANAGE)
CLAUSES = NavItem(_l("Clauses"), "clauses.index", Permission.CLAUSES_EDIT)
MY_DECLARATION = NavItem(
    _l("Impartiality declaration"), "declarations.mine", Permission.DECLARATION_SIGN
)
DECLARATIONS = NavItem(
    _l("Impartiality declarations"), "declarations.people", Permission.DECLARATIONS_VIEW
)
# Complaints and appeals: the alliance's list and report, one's own cases.
CASES = NavItem(_l("Complaints and appeals"), "cases.index", Permission.CASES_HANDLE)
CASES_REPORT = NavItem(
    _l("Complaints and appeals report"), "cases.report_page", Permission.CASES_HANDLE
)
MY_CASES = NavItem(_l("My complaints and appeals"), "cases.mine", Permission.CASES_FILE)
USERS = NavItem(_l("Users"), "admin.users", Permission.ADMIN_USERS_MANAGE)
OUTBOX = NavItem(_l("Mail outbox"), "admin.outbox", Permission.ADMIN_OUTBOX_MANAGE)
MY_PROFILE = NavItem(_l("My profile"), "auth.profile", Permission.ACCOUNT_EDIT)
NOTIFICATION_SETTINGS = NavItem(
    _l("Notification settings"), "notifications.preferences", Permission.DASHBOARD_VIEW
)
MY_EXPORTS = NavItem(_l("My exports"), "exports.index", Permission.DASHBOARD_VIEW)

# Every page the menu links to, for the test that checks each role's layout against it.
NAVIGATION: tuple[NavItem, ...] = (
    DASHBOARD,
    SELF_ASSESSMENT,
    REVIEW_QUEUE,
    DECIDED_REVIEWS,
    REGION_ASSESSMENTS,
    REGION_PROJECTS,
    REGION_CERTIFICATES,
    STATISTICS,
    DATA_MAP,
    CAMPAIGNS,
    ROSTER,
    NOTICES,
    PROJECTS,
    FINDINGS,
    EVALUATOR_REGISTER,
    BODY_EVALUATORS,
    MY_EVALUATOR_RECORD,
    EVALUATOR_REPORTS,
    MY_ORGANISATION,
    REGION_ORGANISATIONS,
    ALL_ORGANISATIONS,
    PUBLICITY_DESK,
    CERTIFICATES,
    HOLDER_REQUESTS,
    ISSUED_CERTIFICATES,
    MY_CERTIFICATES,
    DIGITAL_LEVEL,
    DIAGNOSIS,
    DEMAND_LIBRARY,
    PROVIDER_POOL,
    REFORM_PROJECTS,
    REFORM_SUBSIDIES,
    DIAGNOSIS_PROGRESS,
    REFORM_BOARD,
    CLAUSES,
    MY_DECLARATION,
    DECLARATIONS,
    CASES,
    CASES_REPORT,
    MY_CASES,
    USERS,
    OUTBOX,
    MY_PROFILE,
    NOTIFICATION_SETTINGS,
    MY_EXPORTS,
)

# What is one's own, for every role: a dropdown under the user's name, beside Sign out.
ACCOUNT_MENU = NavGroup(
    "account",
    _l("My profile"),
    (MY_PROFILE, MY_DECLARATION, MY_CASES, MY_ORGANISATION, NOTIFICATION_SETTINGS, MY_EXPORTS),
)

MENUS: dict[Role, tuple[NavEntry, ...]] = {
    Role.ENTERPRISE: (
        DASHBOARD,
        SELF_ASSESSMENT,
        PROJECTS,
        MY_CERTIFICATES,
        NOTICES,
        NavGroup(
            "diagnosis",
            _l("Diagnosis"),
            (DIGITAL_LEVEL, DIAGNOSIS, DEMAND_LIBRARY, PROVIDER_POOL, REFORM_PROJECTS),
        ),
    ),
    Role.CONSULTANT: (DASHBOARD, PROJECTS),
    Role.EVALUATOR: (
        DASHBOARD,
        PROJECTS,
        FINDINGS,
        ISSUED_CERTIFICATES,
        NavGroup(
            "diagnosis",
            _l("Diagnosis"),
            (DIAGNOSIS, DEMAND_LIBRARY, PROVIDER_POOL, REFORM_PROJECTS),
        ),
        NavGroup("evaluators", _l("Evaluators"), (BODY_EVALUATORS, MY_EVALUATOR_RECORD)),
    ),
    Role.DIAGNOSTICIAN: (
        DASHBOARD,
        NavGroup(
            "diagnosis",
            _l("Diagnosis"),
            (DIAGNOSIS, DEMAND_LIBRARY, PROVIDER_POOL, REFORM_PROJECTS),
        ),
    ),
    # An audit firm's auditor: the reform projects it was named to audit.
    Role.AUDITOR: (DASHBOARD, REFORM_PROJECTS),
    # Review happens on the project pages; the desk runs publicity.
    Role.ALLIANCE_STAFF: (
        DASHBOARD,
        PROJECTS,
        # The alliance publishes both: the batches' publicity and the announcements.
        NavGroup("publicity", _l("Publicity and notices"), (PUBLICITY_DESK, NOTICES)),
        NavGroup("certificates", _l("Certificates"), (CERTIFICATES, HOLDER_REQUESTS)),
        NavGroup(
            "reports",
            _l("Reports"),
            (
                REGION_PROJECTS,
                REGION_CERTIFICATES,
                DECLARATIONS,
                EVALUATOR_REPORTS,
                CASES,
                CASES_REPORT,
            ),
        ),
        NavGroup(
            "organisations",
            _l("Registers"),
            (ALL_ORGANISATIONS, EVALUATOR_REGISTER),
        ),
        CLAUSES,
    ),
    Role.AUTHORITY: (
        DASHBOARD,
        NavGroup(
            "assessment",
            _l("Self-assessment"),
            (REVIEW_QUEUE, DECIDED_REVIEWS, REGION_ASSESSMENTS),
        ),
        NavGroup("campaigns", _l("Campaigns"), (CAMPAIGNS, ROSTER, NOTICES)),
        NavGroup(
            "reports",
            _l("Reports"),
            (STATISTICS, DATA_MAP, REGION_PROJECTS, REGION_CERTIFICATES),
        ),
        NavGroup(
            "diagnosis",
            _l("Diagnosis"),
            (
                DIAGNOSIS,
                DEMAND_LIBRARY,
                PROVIDER_POOL,
                REFORM_PROJECTS,
                REFORM_SUBSIDIES,
                DIAGNOSIS_PROGRESS,
                REFORM_BOARD,
            ),
        ),
        REGION_ORGANISATIONS,
    ),
    # Everything: the authority's work, the alliance's, and the administration's own.
    Role.ADMIN: (
        DASHBOARD,
        NavGroup(
            "assessment",
            _l("Self-assessment"),
            (REVIEW_QUEUE, DECIDED_REVIEWS, REGION_ASSESSMENTS, CAMPAIGNS, ROSTER, NOTICES),
        ),
        NavGroup(
            "certification",
            _l("Certification"),
            (
                PROJECTS,
                FINDINGS,
                EVALUATOR_REGISTER,
                PUBLICITY_DESK,
                CERTIFICATES,
                HOLDER_REQUESTS,
                ISSUED_CERTIFICATES,
                MY_CERTIFICATES,
            ),
        ),
        NavGroup(
            "reports",
            _l("Reports"),
            (
                STATISTICS,
                DATA_MAP,
                REGION_PROJECTS,
                REGION_CERTIFICATES,
                DIAGNOSIS_PROGRESS,
                REFORM_BOARD,
                EVALUATOR_REPORTS,
                CASES,
                CASES_REPORT,
            ),
        ),
        NavGroup(
            "diagnosis",
            _l("Diagnosis"),
            (DIAGNOSIS, DEMAND_LIBRARY, PROVIDER_POOL, REFORM_PROJECTS, REFORM_SUBSIDIES),
        ),
        NavGroup(
            "admin",
            _l("Administration"),
            (USERS, ALL_ORGANISATIONS, CLAUSES, DECLARATIONS, OUTBOX),
        ),
    ),
}


def allowed(group: NavGroup, granted: frozenset[Permission]) -> NavGroup:
    """The group with the pages ``granted`` allows."""
    return NavGroup(
        group.key, group.title, tuple(item for item in group.items if item.permission in granted)
    )


def menu_for(role: Role, granted: frozenset[Permission]) -> list[NavEntry]:
    """The role's layout with the pages ``granted`` allows; a group left with one page shows
    as that page's link, with none not at all."""
    entries: list[NavEntry] = []
    for entry in MENUS[role]:
        if isinstance(entry, NavItem):
            if entry.permission in granted:
                entries.append(entry)
            continue
        group = allowed(entry, granted)
        if len(group.items) == 1:
            entries.append(group.items[0])
        elif group.items:
            entries.append(group)
    return entries


def menu_html() -> Markup:
    """The signed-in user's menu as the top bar shows it (none for the public, whose links
    the top bar names). It is the same on a page for everyone with the same role and
    permissions in the same language, and costs a link per page to render, so each process
    keeps the last ones rendered."""
    return _kept_for_role("main_menu", lambda user, granted: menu_for(user.role, granted))


def account_items_html() -> Markup:
    """The links of the menu under one's name, kept like the menu."""
    return _kept_for_role("account_items", lambda _user, granted: allowed(ACCOUNT_MENU, granted))


def _kept_for_role(macro: str, entries: Callable[[User, frozenset[Permission]], object]) -> Markup:
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return Markup("")
    granted = permissions_of(user)
    endpoint = request.endpoint
    key = (macro, user.role, granted, str(get_locale()), endpoint, request.script_root)
    return _memo().page(
        key, lambda: _rendered("_menu.html", macro, entries(user, granted), endpoint), keep=_always
    )


def layout_part(macro: str) -> Markup:
    """A part of the layout that shows nothing but links, texts and settings — the head's
    links, the public's links, the footer: the same for every page in a language (but for
    the link marked current), so rendered once per process, language and page. Their
    dozen links and texts would otherwise cost a fifth of a small page's time."""
    endpoint = request.endpoint
    settings = tuple(current_app.config.get(name) for name in LAYOUT_SETTINGS)
    key = (macro, str(get_locale()), endpoint, request.script_root, settings)
    return _memo().page(key, lambda: _rendered("_layout.html", macro, endpoint), keep=_always)


def _memo() -> PageMemo[Markup]:
    kept: PageMemo[Markup] = current_app.extensions[MENU_MEMO_KEY]
    return kept


def _rendered(template: str, macro: str, *args: object) -> Markup:
    # A macro of an autoescaping template returns Markup already.
    return cast(Markup, get_template_attribute(template, macro)(*args))


def _always() -> bool:
    return True


def init_app(app: App) -> None:
    app.extensions[MENU_MEMO_KEY] = PageMemo(MENUS_KEPT)


def account_menu() -> NavGroup:
    """The signed-in user's own pages, under their name."""
    return allowed(ACCOUNT_MENU, permissions_of(current_user._get_current_object()))
