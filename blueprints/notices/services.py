"""Notices down a region: an authority sends a notice with its attachments to the authorities
below, the region's enterprises or both; each organisation addressed reads it and confirms it
has (已阅, once per organisation, by any of its members); the sender sees who has and who has
not, and the ones addressed hear of it (in the app and by email) and find it on their work list
until they confirm.

Who is addressed is worked out when asked, from the notice's region and audience: an
organisation that registers in the region later is addressed too (a notice stays in force).

A notice to the public (公告), by the alliance or an authority, addresses nobody: it is
published on the portal (/announcements/) for anyone to read, with its attachments, and
creates no receipt, work-list item or notification.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import uploads
from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from app.security.access import in_region, region_prefix
from app.security.permissions import Permission, has_permission
from blueprints.campaigns.regions import ancestors_and_self
from models import (
    Notice,
    NoticeAttachment,
    NoticeAudience,
    NoticeReceipt,
    Organisation,
    OrgKind,
    User,
)

MAX_ATTACHMENTS = 5
SEARCH_MAX = 100


def audiences_for(actor: User) -> list[NoticeAudience]:
    """What the actor may address: its region's authorities and enterprises (an authority with
    a region, NOTICES_SEND), the public (NOTICES_PUBLISH: the alliance and the authorities)."""
    org = actor.organisation
    chosen: list[NoticeAudience] = []
    if (
        has_permission(actor, Permission.NOTICES_SEND)
        and org.kind == OrgKind.AUTHORITY
        and org.region_code
    ):
        chosen += [a for a in NoticeAudience if a.regional]
    if has_permission(actor, Permission.NOTICES_PUBLISH):
        chosen.append(NoticeAudience.PUBLIC)
    return chosen


def publish(
    actor: User,
    title: str,
    body: str,
    audience: NoticeAudience,
    files: Iterable[FileStorage],
) -> Notice:
    """Send a notice from the actor's organisation to its region, or publish it on the portal;
    every file is checked (type by content, size) before anything is kept: a refused file
    keeps nothing of the notice."""
    sender = actor.organisation
    if audience not in audiences_for(actor):
        if audience.regional:
            raise WorkflowError(_("Only an authority with a region sends notices."))
        raise WorkflowError(_("Only the alliance and the authorities publish notices."))
    notice = Notice(
        authority_id=sender.id,
        author_id=actor.id,
        # A public notice of the alliance belongs to no region: it speaks for the country.
        region_code=sender.region_code if sender.kind == OrgKind.AUTHORITY else None,
        audience=audience,
        title=title,
        body=body,
    )
    for stored in uploads.store_each(files, at_most=MAX_ATTACHMENTS):
        notice.attachments.append(
            NoticeAttachment(
                original_name=stored.original_name,
                stored_name=stored.stored_name,
                size=stored.size,
                sha256=stored.sha256,
                content_type=stored.content_type,
            )
        )
    db.session.add(notice)
    db.session.flush()
    if audience.regional:  # a public notice addresses nobody: nobody is told
        announce("notice.publish", notice, actor, occurrence=f"notice:{notice.id}")
    return notice


def addressed_to(org: Organisation) -> sa.ColumnElement[bool]:
    """The notices addressed to ``org``: sent over its region by another authority, to its
    kind."""
    audiences = [a for a in NoticeAudience if org.kind in a.kinds]
    if not org.region_code or not audiences:
        return sa.false()
    return sa.and_(
        Notice.region_code.in_(ancestors_and_self(org.region_code)),
        Notice.authority_id != org.id,
        Notice.audience.in_(audiences),
    )


def received(org: Organisation, q: str = "", unread_only: bool = False) -> sa.Select:
    """The notices addressed to ``org``, newest first, with when it confirmed each (or None)."""
    read_at = (
        sa.select(NoticeReceipt.read_at)
        .where(NoticeReceipt.notice_id == Notice.id, NoticeReceipt.organisation_id == org.id)
        .scalar_subquery()
    )
    query = (
        sa.select(
            Notice.id,
            Notice.title,
            Notice.published_at,
            Notice.audience,
            Organisation.name.label("sender"),
            read_at.label("read_at"),
        )
        .join(Organisation, Organisation.id == Notice.authority_id)
        .where(addressed_to(org))
        .order_by(Notice.published_at.desc(), Notice.id.desc())
    )
    if q:
        query = query.where(Notice.title.contains(q, autoescape=True))
    if unread_only:
        query = query.where(read_at.is_(None))
    return query


def sent(authority: Organisation, q: str = "") -> sa.Select:
    """The authority's notices, newest first, with how many organisations confirmed each."""
    confirmed = (
        sa.select(sa.func.count()).where(NoticeReceipt.notice_id == Notice.id).scalar_subquery()
    )
    query = (
        sa.select(
            Notice.id,
            Notice.title,
            Notice.published_at,
            Notice.audience,
            confirmed.label("confirmed"),
        )
        .where(Notice.authority_id == authority.id)
        .order_by(Notice.published_at.desc(), Notice.id.desc())
    )
    if q:
        query = query.where(Notice.title.contains(q, autoescape=True))
    return query


def visible(notice_id: int, org: Organisation) -> Notice | None:
    """The notice, if ``org`` sent it or is addressed by it."""
    return db.session.scalar(
        sa.select(Notice).where(
            Notice.id == notice_id,
            sa.or_(Notice.authority_id == org.id, addressed_to(org)),
        )
    )


def receipt(notice: Notice, org: Organisation) -> NoticeReceipt | None:
    return db.session.get(NoticeReceipt, (notice.id, org.id))


def confirm(notice: Notice, actor: User) -> bool:
    """Record that the actor's organisation has read the notice; False if it had already."""
    org = actor.organisation
    if notice.authority_id == org.id:
        raise WorkflowError(_("Your own notices need no confirmation."))
    if receipt(notice, org) is not None:
        return False
    db.session.add(NoticeReceipt(notice_id=notice.id, organisation_id=org.id, user_id=actor.id))
    db.session.flush()  # a colleague confirming at the same moment meets the key: 409
    return True


def recipients(notice: Notice) -> sa.Select:
    """The organisations addressed, with when each confirmed (None: not yet), unread first;
    none for a public notice."""
    read_at = sa.select(NoticeReceipt.read_at).where(
        NoticeReceipt.notice_id == notice.id,
        NoticeReceipt.organisation_id == Organisation.id,
    )
    read = read_at.scalar_subquery()
    return (
        sa.select(
            Organisation.id,
            Organisation.name,
            Organisation.credit_code,
            Organisation.kind,
            Organisation.region_code,
            read.label("read_at"),
        )
        .where(
            Organisation.kind.in_(notice.audience.kinds) if notice.audience.kinds else sa.false(),
            Organisation.active.is_(True),
            Organisation.id != notice.authority_id,
            in_region(region_prefix(notice.region_code) or "", Organisation.region_code),
        )
        .order_by(read.is_not(None), Organisation.region_code, Organisation.id)
    )


def counts(notice: Notice) -> tuple[int, int]:
    """(organisations addressed, those that confirmed)."""
    inner = recipients(notice).subquery()
    addressed, confirmed = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(inner.c.read_at)).select_from(inner)
    ).one()
    return addressed, confirmed


def attachment(notice: Notice, attachment_id: int) -> NoticeAttachment | None:
    return next((a for a in notice.attachments if a.id == attachment_id), None)


# --- the portal: notices to the public, read by anyone


def _public() -> sa.ColumnElement[bool]:
    return Notice.audience == NoticeAudience.PUBLIC


def announcements(q: str = "") -> sa.Select:
    """The public notices, newest first, with their publisher; ``q``: a part of the title."""
    query = (
        sa.select(
            Notice.id,
            Notice.title,
            Notice.published_at,
            Organisation.name.label("publisher"),
        )
        .join(Organisation, Organisation.id == Notice.authority_id)
        .where(_public())
        .order_by(Notice.published_at.desc(), Notice.id.desc())
    )
    q = q.strip()[:SEARCH_MAX]
    if q:
        query = query.where(Notice.title.contains(q, autoescape=True))
    return query


def latest_announcements(n: int) -> list[sa.Row]:
    return list(db.session.execute(announcements().limit(n)))


def announcement(notice_id: int) -> Notice | None:
    """The public notice with this id (with its publisher), None for any other notice."""
    return db.session.scalar(
        sa.select(Notice)
        .options(sa.orm.joinedload(Notice.authority))
        .where(Notice.id == notice_id, _public())
    )
