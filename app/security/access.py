"""Object-level checks: load by id and prove the user's organisation is a party to it.

Every id that arrives in a URL goes through one of these helpers. A miss and a forbidden
object look the same (404), so ids of other organisations reveal nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.extensions import db
from app.security.permissions import Permission, has_permission
from models import Assessment, AssessmentStatus, Organisation, OrgKind, Project, Region, User


def region_prefix(code: str | None) -> str | None:
    if code is None:
        return None
    region = db.session.get(Region, code)
    return region.prefix if region else None


def in_region(prefix: str, column=None) -> sa.ColumnElement[bool]:
    """Codes below a region as a range, not LIKE: a plain B-tree index serves it everywhere."""
    column = Organisation.region_code if column is None else column
    padding = 6 - len(prefix)
    return column.between(prefix + "0" * padding, prefix + "9" * padding)


def province_of(column: Any) -> sa.ColumnElement[str]:
    """The province of a region code, its first two digits, written as the expression indexes
    on it are (bound parameters would not match the index's expression in a generic plan)."""
    return sa.func.substr(column, sa.literal_column("1"), sa.literal_column("2"))


def in_region_by_province(prefix: str, column: Any) -> sa.ColumnElement[bool]:
    """``in_region`` for a table with an index on (province, ordering column): the province by
    equality — an index range read in order, where a range of codes read against a time order
    filters out the other provinces' rows (90 ms for a small province at national scale) — and
    the city or county inside it by range."""
    province = province_of(column) == prefix[:2]
    return province if len(prefix) == 2 else sa.and_(province, in_region(prefix, column))


def viewed_region_or_404() -> str:
    """The code prefix of the region whose enterprises the current user's region lists show:
    '' for the whole country (ALL_ORGS_VIEW), else the prefix of their organisation's region
    (an authority's); 404 for an organisation without one."""
    if has_permission(current_user, Permission.ALL_ORGS_VIEW):
        return ""
    prefix = region_prefix(current_user.organisation.region_code)
    if not prefix:
        abort(404)
    return prefix


def sees_other_organisations(user: User) -> bool:
    """An authority (its region's) or the alliance (all): the organisation lists are theirs."""
    return has_permission(user, Permission.REGION_ORGS_VIEW) or has_permission(
        user, Permission.ALL_ORGS_VIEW
    )


def organisation_scope(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting the organisations ``user`` may see."""
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    if has_permission(user, Permission.REGION_ORGS_VIEW):
        prefix = region_prefix(user.organisation.region_code)
        if prefix:
            return sa.or_(Organisation.id == user.organisation_id, in_region(prefix))
    return Organisation.id == user.organisation_id


# Changing an organisation is for its own administrators (and the platform's), whatever
# wider view a role has: an authority sees its region's enterprises but edits none of them.
_OWN_ORGANISATION_ONLY = frozenset({Permission.ORG_EDIT, Permission.ORG_MEMBERS_MANAGE})


def get_organisation_or_404(org_id: int, permission: Permission) -> Organisation:
    if not has_permission(current_user, permission):
        abort(403)
    scope: sa.ColumnElement[bool]
    if has_permission(current_user, Permission.ADMIN_ORGS_MANAGE):
        scope = sa.true()
    elif permission in _OWN_ORGANISATION_ONLY:
        scope = Organisation.id == current_user.organisation_id
    else:
        scope = organisation_scope(current_user)
    org = db.session.scalar(sa.select(Organisation).where(Organisation.id == org_id, scope))
    if org is None:
        abort(404)
    return org


def get_member_or_404(org: Organisation, user_id: int) -> User:
    member = db.session.scalar(
        sa.select(User).where(User.id == user_id, User.organisation_id == org.id)
    )
    if member is None:
        abort(404)
    return member


def get_recoverable_account_or_404(org_id: int, user_id: int) -> User:
    """A member account an authority may help back in (ACCOUNTS_RECOVER): one of an
    enterprise whose region lies in the authority's region (any enterprise for the platform's
    administrator). Another region's enterprise, another kind of organisation, or a user of
    another organisation than the one in the URL: 404."""
    if not has_permission(current_user, Permission.ACCOUNTS_RECOVER):
        abort(403)
    scope: sa.ColumnElement[bool]
    if has_permission(current_user, Permission.ADMIN_ORGS_MANAGE):
        scope = sa.true()
    else:
        prefix = region_prefix(current_user.organisation.region_code)
        scope = in_region(prefix) if prefix else sa.false()
    member = db.session.scalar(
        sa.select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .options(sa.orm.contains_eager(User.organisation))
        .where(
            User.id == user_id,
            Organisation.id == org_id,
            Organisation.kind == OrgKind.ENTERPRISE,
            scope,
        )
    )
    if member is None:
        abort(404)
    return member


def get_assessment_or_404(assessment_id: int, permission: Permission) -> Assessment:
    """The enterprise sees its own assessments; authorities the submitted ones of their
    region and below; the alliance all submitted ones. Drafts stay private to the enterprise."""
    if not has_permission(current_user, permission):
        abort(403)
    query = sa.select(Assessment).where(Assessment.id == assessment_id)
    own = Assessment.organisation_id == current_user.organisation_id
    if has_permission(current_user, Permission.ALL_ORGS_VIEW):
        scope = sa.or_(own, Assessment.status != AssessmentStatus.DRAFT)
    elif has_permission(current_user, Permission.REGION_ORGS_VIEW):
        prefix = region_prefix(current_user.organisation.region_code)
        scope = sa.or_(
            own,
            sa.and_(
                Assessment.status != AssessmentStatus.DRAFT,
                in_region(prefix, Assessment.region_code) if prefix else sa.false(),
            ),
        )
    else:
        scope = own
    assessment = db.session.scalar(query.where(scope))
    if assessment is None:
        abort(404)
    return assessment


def project_scope(user: User) -> sa.ColumnElement[bool]:
    """The projects ``user``'s organisation is a party to (the alliance sees all)."""
    if has_permission(user, Permission.ALL_ORGS_VIEW):
        return sa.true()
    return _party(user.organisation_id)


def _party(org: int | sa.BindParameter[int]) -> sa.ColumnElement[bool]:
    return sa.or_(
        Project.organisation_id == org, Project.consultancy_id == org, Project.body_id == org
    )


# The parties every project page names, loaded in the same query (one row each).
PROJECT_PARTIES = (Project.organisation, Project.consultancy, Project.body, Project.lead_evaluator)


def get_project_or_404(
    project_id: int,
    permission: Permission,
    parties: tuple[sa.orm.QueryableAttribute, ...] = PROJECT_PARTIES,
    options: tuple[sa.orm.interfaces.LoaderOption, ...] = (),
) -> Project:
    """The project, if ``current_user`` may see it with ``permission``, with ``parties`` (and
    whatever else ``options`` load with it)."""
    if not has_permission(current_user, permission):
        abort(403)
    every = has_permission(current_user, Permission.ALL_ORGS_VIEW)
    project = db.session.scalar(
        _project_statement(parties, options, every),
        {"project_id": project_id, "organisation_id": current_user.organisation_id},
    )
    if project is None:
        abort(404)
    return project


@cache
def _project_statement(
    parties: tuple[sa.orm.QueryableAttribute, ...],
    options: tuple[sa.orm.interfaces.LoaderOption, ...],
    every_organisation: bool,
) -> sa.Select[tuple[Project]]:
    """The project page's read, built once per shape: a statement built anew is built and
    walked for its cache key on every request (a tenth of a kept project page's time); a
    statement kept keeps its key, and only its parameters change."""
    statement = (
        sa.select(Project)
        .options(*(sa.orm.joinedload(relation) for relation in parties), *options)
        .where(Project.id == sa.bindparam("project_id"))
    )
    if every_organisation:
        return statement
    return statement.where(_party(sa.bindparam("organisation_id")))
