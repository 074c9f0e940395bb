"""Named permissions, the role → permission map, and the decorators every view wears.

A view is either ``@public`` or ``@requires(Permission.X)``; tests/unit/test_url_map.py fails
on any endpoint that is neither, so a forgotten check cannot ship.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app
from flask_login import current_user
from werkzeug.local import LocalProxy

from app import rate_limits
from app.extensions import login_manager
from models import ApiScope, Role, User

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTRIBUTE = "_certpath_access"


class Permission(enum.StrEnum):
    """``scope:resource:action``."""

    DASHBOARD_VIEW = "app:dashboard:view"
    ACCOUNT_EDIT = "account:profile:edit"
    ORG_VIEW = "org:profile:view"
    ORG_EDIT = "org:profile:edit"
    ORG_MEMBERS_VIEW = "org:members:view"
    ORG_MEMBERS_MANAGE = "org:members:manage"
    REGION_ORGS_VIEW = "region:organisations:view"
    ALL_ORGS_VIEW = "all:organisations:view"
    ASSESSMENT_FILL = "assessment:own:fill"
    ASSESSMENT_VIEW = "assessment:report:view"
    ASSESSMENT_REVIEW = "assessment:region:review"
    CAMPAIGNS_MANAGE = "region:campaigns:manage"
    ROSTER_MANAGE = "region:roster:manage"
    REGION_STATISTICS_VIEW = "region:statistics:view"
    # Help a member of an enterprise of the region back into their account: a reset link to
    # their own address, or a one-time password (access.get_recoverable_account_or_404).
    ACCOUNTS_RECOVER = "region:accounts:recover"
    # The projects and certificates of a region's enterprises, read only: an authority's region,
    # the whole country for whoever has ALL_ORGS_VIEW (access.viewed_region_or_404).
    REGION_PROJECTS_VIEW = "region:projects:view"
    # Notices down a region: an authority sends them, the authorities and enterprises addressed
    # read them and confirm they have (access through notices.services.addressed_to).
    NOTICES_SEND = "region:notices:send"
    NOTICES_READ = "notices:addressed:read"
    # Publish notices from one's organisation (the form, the sent list): to the public (公告,
    # read by anyone on the portal) — the alliance and the authorities; an authority holding
    # NOTICES_SEND may address its region instead (notices.services.audiences_for).
    NOTICES_PUBLISH = "notices:own:publish"
    PROJECT_START = "project:own:start"
    PROJECT_VIEW = "project:party:view"
    PROJECT_CONSULT = "project:consulting:act"
    PROJECT_APPLY = "project:application:submit"
    PROJECT_EVALUATE = "project:evaluation:act"
    FINDING_ANSWER = "finding:own:answer"
    DOCUMENT_UPLOAD = "project:documents:upload"
    CLAUSES_EDIT = "reference:clauses:edit"
    ALLIANCE_REVIEW = "alliance:projects:review"
    # The yearly impartiality declaration and the conflicts of interest of evaluators and
    # alliance reviewers (issue 20): each signs their own; the alliance reads everyone's.
    DECLARATION_SIGN = "declaration:own:sign"
    DECLARATIONS_VIEW = "all:declarations:view"
    CERTIFICATES_MANAGE = "alliance:certificates:manage"
    CERTIFICATES_OWN = "certificate:own:view"
    # An enterprise's own SME digital level evaluation (seed 004, tables 6-8).
    SME_LEVEL_EVALUATE = "diagnosis:sme_level:evaluate"
    # Diagnosis engagements (seeds 002, 004): their parties read them (access through
    # engagements.services.visible_to); a provider records the work; an authority enrols
    # enterprises and providers into the programmes it runs in its region.
    DIAGNOSIS_VIEW = "diagnosis:engagement:view"
    DIAGNOSIS_PROVIDE = "diagnosis:engagement:provide"
    DIAGNOSIS_MANAGE = "region:diagnosis:manage"
    # The provider pool of a programme (seed 004 二): a provider applies with its products and
    # qualifications (the authority reviews, admits and suspends through DIAGNOSIS_MANAGE); an
    # enterprise rates the providers it worked with (access: pool.services).
    POOL_APPLY = "diagnosis:pool:apply"
    POOL_RATE = "diagnosis:pool:rate"
    # An enterprise's reform projects (seed 004 三(二)2): drafted, filed and carried out by the
    # enterprise; the county and city authorities decide through DIAGNOSIS_MANAGE.
    REFORM_FILE = "diagnosis:reform:file"
    # After implementation (seed 004 三(二)5-6): the project's evaluation body grades and
    # accepts it; its audit firm files the special audit report (access: the project names
    # the body and the firm).
    REFORM_GRADE = "diagnosis:reform:grade"
    REFORM_AUDIT = "diagnosis:reform:audit"
    # Reading reform projects: their parties (access through reform.services.visible_to) —
    # the diagnosis parties and the audit firms, which read nothing else of the diagnosis.
    REFORM_VIEW = "diagnosis:reform:view"
    # An organisation's keys to the machine interface (/api/v1), made by its own administrators.
    API_KEYS_MANAGE = "org:api_keys:manage"
    # An organisation's webhooks (URLs that hear of events), kept by its own administrators.
    WEBHOOKS_MANAGE = "org:webhooks:manage"
    # The evaluator register (issue 20): an evaluation body's administrators record their
    # people's registrations, competence and training; an evaluator reads their own record;
    # the alliance approves or returns what is submitted and reads every body's.
    EVALUATORS_RECORD = "body:evaluators:record"
    EVALUATOR_OWN_VIEW = "evaluator:own:view"
    EVALUATORS_APPROVE = "alliance:evaluators:approve"
    # The register's reports (evaluators by body, sector coverage, expiring registrations):
    # the alliance's, across every body.
    EVALUATOR_REPORTS_VIEW = "alliance:evaluators:report"
    # Complaints and appeals (ISO/IEC 17021-1 §9.7, §9.8): an enterprise appeals a decision
    # about it and anyone signed in may follow the complaints they lodged (the public form needs
    # no account); the alliance handles every case (case pages check the party: cases.access).
    CASES_FILE = "case:own:file"
    CASES_HANDLE = "alliance:cases:handle"
    ADMIN_USERS_MANAGE = "admin:users:manage"
    ADMIN_ORGS_MANAGE = "admin:organisations:manage"
    ADMIN_OUTBOX_MANAGE = "admin:outbox:manage"


_EVERY_USER = frozenset(
    {
        Permission.DASHBOARD_VIEW,
        Permission.ACCOUNT_EDIT,
        Permission.ORG_VIEW,
        Permission.ORG_MEMBERS_VIEW,
    }
)

_PROJECT_PARTY = frozenset({Permission.PROJECT_VIEW, Permission.DOCUMENT_UPLOAD})
_DIAGNOSIS_PROVIDER = frozenset(
    {Permission.DIAGNOSIS_VIEW, Permission.DIAGNOSIS_PROVIDE, Permission.REFORM_VIEW}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ENTERPRISE: _EVERY_USER
    | _PROJECT_PARTY
    | {
        Permission.ASSESSMENT_FILL,
        Permission.ASSESSMENT_VIEW,
        Permission.PROJECT_START,
        Permission.PROJECT_CONSULT,  # an enterprise may run the consulting phase itself
        Permission.PROJECT_APPLY,
        Permission.FINDING_ANSWER,
        Permission.CERTIFICATES_OWN,
        Permission.NOTICES_READ,
        Permission.SME_LEVEL_EVALUATE,
        Permission.DIAGNOSIS_VIEW,
        Permission.POOL_RATE,
        Permission.REFORM_FILE,
        Permission.REFORM_VIEW,
        Permission.CASES_FILE,
    },
    Role.CONSULTANT: _EVERY_USER
    | _PROJECT_PARTY
    | {Permission.PROJECT_CONSULT, Permission.CASES_FILE},
    # An evaluation body may be engaged by a programme that names evaluation bodies (seed 004).
    Role.EVALUATOR: _EVERY_USER
    | _PROJECT_PARTY
    | _DIAGNOSIS_PROVIDER
    | {
        Permission.PROJECT_EVALUATE,
        Permission.EVALUATOR_OWN_VIEW,
        Permission.DECLARATION_SIGN,
        Permission.CASES_FILE,
        Permission.REFORM_GRADE,
    },
    Role.DIAGNOSTICIAN: _EVERY_USER
    | _DIAGNOSIS_PROVIDER
    | {Permission.POOL_APPLY, Permission.CASES_FILE},
    # An audit firm's auditor reads the reform projects it was named for (the reform list and
    # pages check the party) and files their special audit reports.
    Role.AUDITOR: _EVERY_USER | {Permission.REFORM_VIEW, Permission.REFORM_AUDIT},
    Role.ALLIANCE_STAFF: _EVERY_USER
    | {
        Permission.ALL_ORGS_VIEW,
        Permission.ASSESSMENT_VIEW,
        Permission.PROJECT_VIEW,
        Permission.REGION_PROJECTS_VIEW,
        Permission.CLAUSES_EDIT,
        Permission.ALLIANCE_REVIEW,
        Permission.CERTIFICATES_MANAGE,
        Permission.EVALUATORS_APPROVE,
        Permission.EVALUATOR_REPORTS_VIEW,
        Permission.DECLARATION_SIGN,
        Permission.DECLARATIONS_VIEW,
        Permission.CASES_HANDLE,
        # Its own public notices (it is addressed by no regional notice).
        Permission.NOTICES_READ,
        Permission.NOTICES_PUBLISH,
    },
    Role.AUTHORITY: _EVERY_USER
    | {
        Permission.REGION_ORGS_VIEW,
        Permission.ASSESSMENT_VIEW,
        Permission.ASSESSMENT_REVIEW,
        Permission.CAMPAIGNS_MANAGE,
        Permission.ROSTER_MANAGE,
        Permission.REGION_STATISTICS_VIEW,
        Permission.REGION_PROJECTS_VIEW,
        Permission.ACCOUNTS_RECOVER,
        Permission.NOTICES_SEND,
        Permission.NOTICES_READ,
        Permission.NOTICES_PUBLISH,
        Permission.DIAGNOSIS_VIEW,
        Permission.DIAGNOSIS_MANAGE,
        Permission.REFORM_VIEW,
        Permission.CASES_FILE,
    },
    # Everything, but an enterprise's own evaluations: only enterprises assess themselves (an
    # administrator's answers would join the pool every enterprise is compared with).
    # Nor an evaluator's own record, nor a declaration: an administrator is nobody's evaluator,
    # sits on no audit team and decides no review. It handles cases, files none.
    Role.ADMIN: frozenset(Permission)
    - {
        Permission.ASSESSMENT_FILL,
        Permission.SME_LEVEL_EVALUATE,
        Permission.POOL_APPLY,
        Permission.POOL_RATE,
        Permission.REFORM_FILE,
        Permission.EVALUATOR_OWN_VIEW,
        Permission.DECLARATION_SIGN,
        Permission.CASES_FILE,
    },
}

# What an organisation's own administrator adds to their role.
ORG_ADMIN_PERMISSIONS = frozenset(
    {
        Permission.ORG_EDIT,
        Permission.ORG_MEMBERS_MANAGE,
        Permission.API_KEYS_MANAGE,
        Permission.WEBHOOKS_MANAGE,
    }
)

# What an evaluation body's administrator adds: its people's register.
BODY_ADMIN_PERMISSIONS = frozenset({Permission.EVALUATORS_RECORD})


def permissions_of(user: User) -> frozenset[Permission]:
    granted = ROLE_PERMISSIONS[user.role]
    if user.is_org_admin:
        granted = granted | ORG_ADMIN_PERMISSIONS
        if user.role is Role.EVALUATOR:
            granted = granted | BODY_ADMIN_PERMISSIONS
    return granted


def has_permission(user: Any, permission: Permission) -> bool:
    if isinstance(user, LocalProxy):  # current_user: resolved once, not per attribute read
        user = user._get_current_object()
    if not getattr(user, "is_authenticated", False):
        return False
    return permission in permissions_of(user)


def requires(permission: Permission) -> Callable[[F], F]:
    """Log-in plus the named permission, else 401 (redirect to login) or 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, permission)
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Mark a view as deliberately open to everyone, signed in or not."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def access_of(view: Callable[..., Any]) -> Permission | ApiScope | str | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


def public_rate_limited(view: F) -> F:
    """@public, limited per address to CERTPATH_PUBLIC_RATE_LIMIT (against scraping)."""
    return public(rate_limits.limited(_public_limit)(view))


def _public_limit() -> str:
    return str(current_app.config["PUBLIC_RATE_LIMIT"])
