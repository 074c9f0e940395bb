"""A certificate's standing in plain words, as its page tells anyone who scans the QR code:
how long it is valid, what happened to it (issued, suspended, restored, revoked …) and where
its surveillance stands (the next evaluation and by when, the ones passed).

The facts are read as columns of the certificate's own query — the public page is one query
and is kept rendered under its value (app/public_cache.py) — and told here as sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.clock import local_time
from app.i18n import format_moment
from models import CertificateEvent, CertificateStatus, ScheduleItem
from models.surveillance import PENDING_SCHEDULE_STATUSES, ScheduleKind, ScheduleStatus

# A status change in the history column: "<status>@<moment>", the changes joined by ",".
_SEPARATOR = ","
_AT = "@"
_SURVEILLANCE_KINDS = (ScheduleKind.SURVEILLANCE_1.value, ScheduleKind.SURVEILLANCE_2.value)


def columns(certificates: sa.FromClause) -> list[sa.ColumnElement]:
    """The standing's facts as scalar subqueries of a query over ``certificates``."""
    events = CertificateEvent.__table__
    items = ScheduleItem.__table__
    pending = [status.value for status in PENDING_SCHEDULE_STATUSES]
    of_this = items.c.certificate_id == certificates.c.id

    def next_pending(column: sa.ColumnElement) -> sa.ScalarSelect:
        return (
            sa.select(column)
            .where(of_this, items.c.status.in_(pending))
            .order_by(items.c.due_on, items.c.id)
            .limit(1)
            .scalar_subquery()
        )

    passed = sa.and_(
        of_this,
        items.c.status == ScheduleStatus.DONE.value,
        items.c.kind.in_(_SURVEILLANCE_KINDS),
    )
    return [
        sa.select(
            sa.func.aggregate_strings(
                sa.cast(events.c.to_status, sa.String)
                + _AT
                + sa.cast(events.c.created_at, sa.String),
                _SEPARATOR,
            )
        )
        .where(events.c.certificate_id == certificates.c.id)
        .scalar_subquery()
        .label("history"),
        next_pending(items.c.kind).label("next_kind"),
        next_pending(items.c.due_on).label("next_due_on"),
        sa.select(sa.func.count()).where(passed).scalar_subquery().label("passed"),
        sa.select(sa.func.max(items.c.completed_on))
        .where(passed)
        .scalar_subquery()
        .label("last_passed_on"),
    ]


@dataclass(frozen=True)
class Standing:
    history: tuple[tuple[datetime, CertificateStatus], ...]  # oldest first, moments in UTC
    next_kind: ScheduleKind | None
    next_due_on: date | None
    passed: int
    last_passed_on: date | None

    @classmethod
    def of_row(cls, fields: dict) -> Standing:
        """Built from the columns above (taken out of ``fields``)."""
        history = []
        for change in (fields.pop("history") or "").split(_SEPARATOR):
            status, _at, moment = change.partition(_AT)
            if moment:
                history.append((_moment(moment), CertificateStatus(status)))
        next_kind = fields.pop("next_kind")
        return cls(
            history=tuple(sorted(history, key=lambda change: change[0])),
            next_kind=ScheduleKind(next_kind) if next_kind else None,
            next_due_on=_day(fields.pop("next_due_on")),
            passed=fields.pop("passed") or 0,
            last_passed_on=_day(fields.pop("last_passed_on")),
        )

    def history_days(self) -> list[tuple[date, CertificateStatus]]:
        """The status changes by local day, oldest first."""
        return [(_local_date(moment), status) for moment, status in self.history]

    def since(self, status: CertificateStatus) -> datetime | None:
        """When the certificate last entered ``status``."""
        moments = [moment for moment, to in self.history if to == status]
        return moments[-1] if moments else None

    def sentences(self, live: CertificateStatus, expires_on: date, today: date) -> list[str]:
        """What the certificate's status means today and where its surveillance stands."""
        said = [self._status_sentence(live, expires_on)]
        if live in (CertificateStatus.VALID, CertificateStatus.SUSPENDED):
            if self.next_kind and self.next_due_on:
                said.append(self._next_sentence(today))
            if self.passed:
                said.append(
                    ngettext(
                        "%(num)d surveillance evaluation passed, the last concluded on %(date)s.",
                        "%(num)d surveillance evaluations passed, the last concluded on %(date)s.",
                        self.passed,
                        date=format_moment(self.last_passed_on),
                    )
                )
        return said

    def _status_sentence(self, live: CertificateStatus, expires_on: date) -> str:
        since = _local_day(self.since(live))
        expires = format_moment(expires_on)
        if live == CertificateStatus.VALID:
            return _("Valid until %(date)s.", date=expires)
        if live == CertificateStatus.SUSPENDED:
            return _(
                "Suspended since %(since)s: while suspended it does not attest certification; "
                "the alliance restores it when the cause is resolved, or revokes it. "
                "Its term ends on %(date)s.",
                since=since,
                date=expires,
            )
        if live == CertificateStatus.REVOKED:
            return _("Revoked on %(date)s: no longer valid.", date=since)
        if live == CertificateStatus.CANCELLED:
            return _("Cancelled at the holder's request on %(date)s: no longer valid.", date=since)
        if live == CertificateStatus.SUPERSEDED:
            return _("Replaced by a reissued certificate on %(date)s.", date=since)
        return _("Expired on %(date)s: its three-year term is over.", date=expires)

    def _next_sentence(self, today: date) -> str:
        assert self.next_kind and self.next_due_on
        what, due = self.next_kind.title, format_moment(self.next_due_on)
        if self.next_due_on < today:
            return _("Overdue: %(what)s, due by %(date)s.", what=what, date=due)
        return _("Next: %(what)s, due by %(date)s.", what=what, date=due)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.strip())


def _day(value: date | str | None) -> date | None:
    # SQLite hands a date of a subquery back as its text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _local_date(moment: datetime) -> date:
    local = local_time(moment)
    assert local is not None  # a moment is given
    return local.date()


def _local_day(moment: datetime | None) -> str:
    return format_moment(_local_date(moment)) if moment else ""
