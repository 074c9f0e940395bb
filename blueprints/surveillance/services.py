"""The surveillance schedule, reminders and the automatic consequences (DOMAIN.md §6).

Every query here starts from an index on dates (open items by due date, suspended
certificates by the date of their change), so a daily run touches only what is due.
Reminders go through the outbox with a key per item, offset and recipient: re-running a job,
restarting the scheduler or running two of them never sends one twice.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.clock import local_today, utcnow
from app.extensions import db
from app.mail.outbox import queue_email
from app.urls import external_url
from blueprints.notifications.services import notify
from blueprints.orgs.services import contacts
from models import (
    Certificate,
    CertificateStatus,
    Organisation,
    OrgKind,
    Project,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
    User,
)

C = CertificateStatus
LIVE = (C.VALID, C.SUSPENDED)


def create_schedule(certificate: Certificate) -> None:
    first, second = current_app.config["SURVEILLANCE_MONTHS"][:2]
    for kind, due in (
        (ScheduleKind.SURVEILLANCE_1, certificate.effective_on + relativedelta(months=first)),
        (ScheduleKind.SURVEILLANCE_2, certificate.effective_on + relativedelta(months=second)),
        (ScheduleKind.RECERTIFICATION, certificate.expires_on),
    ):
        db.session.add(ScheduleItem(certificate_id=certificate.id, kind=kind, due_on=due))
    db.session.flush()


def move_schedule(old: Certificate, new: Certificate) -> None:
    """A reissue keeps the dates: the open items follow the new certificate."""
    db.session.execute(
        sa.update(ScheduleItem)
        .where(ScheduleItem.certificate_id == old.id)
        .values(certificate_id=new.id)
    )


def recipients(certificate: Certificate, *, with_alliance: bool = False) -> list[User]:
    """The enterprise's contacts and the evaluation body's lead evaluator (and the alliance)."""
    people = {u.id: u for u in contacts(certificate.organisation_id)}
    project = db.session.get(Project, certificate.project_id)
    if project is not None and project.lead_evaluator is not None:
        people[project.lead_evaluator.id] = project.lead_evaluator
    else:
        people.update({u.id: u for u in contacts(certificate.body_id)})
    if with_alliance:
        alliance = db.session.scalar(
            sa.select(Organisation.id)
            .where(Organisation.kind == OrgKind.ALLIANCE)
            .order_by(Organisation.id)
            .limit(1)
        )
        people.update({u.id: u for u in contacts(alliance)})
    return list(people.values())


def calendar_entry(item: ScheduleItem, locale: str) -> dict:
    """An all-day .ics event on the due date, in the recipient's language."""
    with force_locale(locale):
        summary = f"{item.kind.title} · {item.certificate.number}"
    calendar = Calendar()
    calendar.add("prodid", "-//Certpath//Surveillance reminders//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"certpath-schedule-{item.id}@certpath")
    event.add("summary", summary)
    event.add("dtstart", item.due_on)
    event.add("dtend", item.due_on + timedelta(days=1))
    event.add("dtstamp", utcnow())
    event.add("url", external_url("certificates.verify", number=item.certificate.number))
    calendar.add_component(event)
    return {
        "filename": f"{item.certificate.number}.ics",
        "content_type": "text/calendar",
        "content": calendar.to_ical().decode(),
    }


def _offsets(item: ScheduleItem) -> list[int]:
    key = (
        "EXPIRY_REMINDER_DAYS"
        if item.kind == ScheduleKind.RECERTIFICATION
        else "SURVEILLANCE_REMINDER_DAYS"
    )
    return sorted(current_app.config[key])


def plan_reminders(today: date | None = None) -> int:
    """Queue the reminders due today — and, after a pause, the latest one that was missed."""
    today = today or local_today()
    horizon = today + timedelta(
        days=max(
            current_app.config["SURVEILLANCE_REMINDER_DAYS"]
            + current_app.config["EXPIRY_REMINDER_DAYS"]
        )
    )
    items = db.session.scalars(
        sa.select(ScheduleItem)
        .join(Certificate)
        .where(
            ScheduleItem.status == ScheduleStatus.OPEN,
            ScheduleItem.due_on.between(today, horizon),
            Certificate.status.in_(LIVE),
        )
        .options(sa.orm.contains_eager(ScheduleItem.certificate))
    )
    queued = 0
    for item in items:
        reached = [days for days in _offsets(item) if item.due_on - timedelta(days=days) <= today]
        if not reached:
            continue
        offset = min(reached)  # the most recent reminder: never a burst of stale ones
        link = external_url("certificates.verify", number=item.certificate.number)
        for user in recipients(item.certificate):
            key = f"reminder:{item.id}:T-{offset}:{user.id}"
            with force_locale(user.locale):
                notify(
                    user,
                    key,
                    _(
                        "%(what)s of certificate %(number)s due on %(date)s",
                        **_subject_args(item, user.locale),
                    ),
                    link,
                )
            queued += bool(
                queue_email(
                    dedup_key=key,
                    recipient=user.email,
                    template="reminder",
                    locale=user.locale,
                    user=user,
                    item=item,
                    certificate=item.certificate,
                    days=(item.due_on - today).days,
                    link=link,
                    subject_args=_subject_args(item, user.locale),
                    attachments=[calendar_entry(item, user.locale)],
                )
            )
    return queued


def _subject_args(item: ScheduleItem, locale: str) -> dict:
    from flask_babel import format_date

    with force_locale(locale):
        return {
            "what": item.kind.title,
            "number": item.certificate.number,
            "date": format_date(item.due_on, "medium"),
        }


def suspend_overdue(today: date | None = None) -> int:
    """A surveillance not completed by its due date suspends the certificate, with notices to
    the enterprise, the body and the alliance. A missed recertification lets it expire."""
    from blueprints.certificates.services import change

    today = today or local_today()
    items = db.session.scalars(
        sa.select(ScheduleItem).where(
            ScheduleItem.status == ScheduleStatus.OPEN, ScheduleItem.due_on < today
        )
    )
    count = 0
    for item in items:
        item.status = ScheduleStatus.MISSED
        certificate = item.certificate
        if item.kind == ScheduleKind.RECERTIFICATION or certificate.status_on(today) != C.VALID:
            continue
        change(
            certificate,
            "suspend",
            None,
            _(
                "%(what)s not completed by %(date)s.",
                what=item.kind.title,
                date=item.due_on.isoformat(),
            ),
        )
        link = external_url("certificates.verify", number=certificate.number)
        for user in recipients(certificate, with_alliance=True):
            with force_locale(user.locale):
                notify(
                    user,
                    f"overdue:{item.id}:{user.id}",
                    _(
                        "%(what)s of certificate %(number)s is overdue — certificate suspended",
                        **_subject_args(item, user.locale),
                    ),
                    link,
                )
            queue_email(
                dedup_key=f"overdue:{item.id}:{user.id}",
                recipient=user.email,
                template="overdue",
                locale=user.locale,
                user=user,
                item=item,
                certificate=certificate,
                link=link,
                subject_args=_subject_args(item, user.locale),
            )
        count += 1
    return count


def revoke_long_suspensions(today: date | None = None) -> int:
    """A suspension older than SUSPENSION_MAX_MONTHS (6) revokes the certificate."""
    from blueprints.certificates.services import change

    today = today or local_today()
    months = current_app.config["SUSPENSION_MAX_MONTHS"]
    limit = today - relativedelta(months=months)
    due = db.session.scalars(
        sa.select(Certificate).where(
            Certificate.status == C.SUSPENDED, Certificate.status_changed_at < limit
        )
    )
    count = 0
    for certificate in due:
        change(certificate, "revoke", None, _("Suspended for more than %(n)d months.", n=months))
        count += 1
    return count


def complete_item(item: ScheduleItem, completed_on: date) -> None:
    item.status = ScheduleStatus.DONE
    item.completed_on = completed_on


def schedule_of(certificate: Certificate) -> list[ScheduleItem]:
    return list(
        db.session.scalars(
            sa.select(ScheduleItem)
            .where(ScheduleItem.certificate_id == certificate.id)
            .order_by(ScheduleItem.due_on)
        )
    )


SURVEILLANCE_KINDS = frozenset({ScheduleKind.SURVEILLANCE_1, ScheduleKind.SURVEILLANCE_2})


def plan_audit(
    item: ScheduleItem,
    actor: User,
    starts_on: date | None,
    ends_on: date | None,
    member_ids: list[int],
    scope: str = "",
):
    """The evaluation body plans a surveillance audit, exactly like a stage audit: dates, a
    team of its evaluators led by the planner, impartiality checked."""
    from app.errors import WorkflowError
    from blueprints.projects.services import refuse_partial
    from models import Audit, AuditKind, AuditTeamMember, Role

    certificate = item.certificate
    if actor.organisation_id != certificate.body_id or actor.role != Role.EVALUATOR:
        raise WorkflowError(
            _("Only evaluators of the certificate's evaluation body plan its surveillance.")
        )
    if item.status != ScheduleStatus.OPEN:
        raise WorkflowError(_("This evaluation is not open for planning."))
    if item.audit_id is not None:
        raise WorkflowError(_("This surveillance audit is already planned."))
    if certificate.status_on(local_today()) not in LIVE:
        raise WorkflowError(_("The certificate is no longer in force."))
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise WorkflowError(
            _("Give the audit's first and last day (the last not before the first).")
        )
    project = db.session.get(Project, certificate.project_id)
    members = []
    for user_id in dict.fromkeys(member_ids):
        member = db.session.get(User, user_id)
        if (
            member is None
            or member.organisation_id != certificate.body_id
            or member.role != Role.EVALUATOR
            or not member.active
        ):
            raise WorkflowError(_("Choose evaluators of %(body)s.", body=certificate.body.name))
        if member.id != actor.id:
            members.append(member)
    for person in (actor, *members):
        refuse_partial(project, person)
    audit = Audit(
        project_id=project.id,
        kind=AuditKind.SURVEILLANCE,
        starts_on=starts_on,
        ends_on=ends_on,
        scope=scope.strip() or certificate.scope,
    )
    audit.team = [AuditTeamMember(user=actor, is_lead=True)]
    audit.team += [AuditTeamMember(user=m, is_lead=False) for m in members]
    db.session.add(audit)
    db.session.flush()
    item.audit_id = audit.id
    db.session.flush()
    return audit


def conclude_audit(
    item: ScheduleItem, actor: User, decision: str, completed_on: date | None, reason: str = ""
) -> None:
    """Surveillance: maintain (every major verified closed, every minor with an accepted plan)
    or suspend. Recertification: recommend (same condition) for the alliance's review, or
    not — the certificate then ends at its expiry."""
    from app.errors import WorkflowError
    from blueprints.certificates.services import change
    from models import Audit, Finding, FindingKind, FindingStatus

    audit = db.session.get(Audit, item.audit_id) if item.audit_id else None
    if audit is None or item.status != ScheduleStatus.OPEN or audit.completed_on is not None:
        raise WorkflowError(_("There is no surveillance audit under way to conclude."))
    if not any(m.user_id == actor.id and m.is_lead for m in audit.team):
        raise WorkflowError(_("Only the lead evaluator of this audit can conclude it."))
    completed_on = completed_on or local_today()
    if completed_on > local_today() or completed_on < audit.starts_on:
        raise WorkflowError(
            _("The audit's completion date must lie between its first day and today.")
        )
    recertification = item.kind == ScheduleKind.RECERTIFICATION
    allowed = {"recommend", "not_recommend"} if recertification else {"maintain", "suspend"}
    if decision not in allowed:
        raise WorkflowError(_("Unknown action."))
    if decision in ("maintain", "recommend"):
        open_ncs = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Finding)
            .where(
                Finding.audit_id == audit.id,
                sa.or_(
                    sa.and_(
                        Finding.kind == FindingKind.MAJOR, Finding.status != FindingStatus.CLOSED
                    ),
                    sa.and_(
                        Finding.kind == FindingKind.MINOR,
                        Finding.status.notin_([FindingStatus.ACCEPTED, FindingStatus.CLOSED]),
                    ),
                ),
            )
        )
        if open_ncs:
            raise WorkflowError(
                _(
                    "The certificate can be maintained only when every major "
                    "nonconformity is verified closed and every minor one has an "
                    "accepted action plan."
                )
            )
    elif decision == "suspend":
        if not reason.strip():
            raise WorkflowError(_("Give the reason for this change."))
        change(item.certificate, "suspend", actor, reason)
    audit.completed_on = completed_on
    if recertification:
        # The item stays open: the alliance's review, or the expiry, settles it.
        if decision == "recommend":
            item.recommended_at = utcnow()
        db.session.flush()
        return
    item.status = ScheduleStatus.DONE
    item.completed_on = completed_on
    db.session.flush()


def recertification_review(item: ScheduleItem, actor: User) -> None:
    """The alliance's compliance review of a recommended recertification."""
    from app.errors import WorkflowError

    if item.kind != ScheduleKind.RECERTIFICATION or item.recommended_at is None:
        raise WorkflowError(_("No recertification is waiting for review."))
    if item.status != ScheduleStatus.OPEN or item.compliance_by_id is not None:
        raise WorkflowError(
            _(
                "This action is not possible in the current state (%(state)s).",
                state=item.status.title,
            )
        )
    item.compliance_by_id = actor.id
    db.session.flush()


def recertification_issue(item: ScheduleItem, actor: User) -> Certificate:
    """Re-review by another staff member, then the new certificate (gap-free when in time)."""
    from app.errors import WorkflowError
    from blueprints.certificates.services import recertify

    if item.kind != ScheduleKind.RECERTIFICATION or item.compliance_by_id is None:
        raise WorkflowError(_("The compliance review of this recertification comes first."))
    if item.status != ScheduleStatus.OPEN:
        raise WorkflowError(
            _(
                "This action is not possible in the current state (%(state)s).",
                state=item.status.title,
            )
        )
    if item.compliance_by_id == actor.id:
        raise WorkflowError(
            _("The re-review must be done by another staff member than the compliance review.")
        )
    new = recertify(item.certificate, actor)
    item.status = ScheduleStatus.DONE
    item.completed_on = local_today()
    db.session.flush()
    return new
