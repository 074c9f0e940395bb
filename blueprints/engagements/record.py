"""The work group's record at the enterprise: meetings, trainings and visits with their times,
sign-in sheets and photos (EXIF time and place kept, a photo outside its visit flagged), and
the report written section by section. What the programme asks of the record is counted
here for the transition guards and the page alike."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import uploads, workflow
from app.clock import local_time, utcnow
from app.database import on_commit
from app.extensions import db
from blueprints.diagnosis import rules
from blueprints.diagnosis.programmes import Programme
from blueprints.engagements import files, team
from blueprints.engagements.changes import Refused, touch
from models import (
    ActivityKind,
    DiagnosisActivity,
    DiagnosisEngagement,
    DiagnosisFile,
    EngagementStatus,
    User,
)

# The record and the report may change while the team works and when the report is returned.
RECORD_OPEN = frozenset({EngagementStatus.ON_SITE, EngagementStatus.REVISING})
PHOTO, SIGN_IN = "photo", "sign_in"
OTHER_PHOTO = "other"  # a programme without photo categories files its photos here
SIGN_IN_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png"})
MAX_ACTIVITIES = 200
MAX_PHOTOS_PER_VISIT = 60
MAX_SECTION = 100_000  # characters of one report section


def editable(engagement: DiagnosisEngagement, actor: User) -> Programme:
    if actor.organisation_id != engagement.provider_id:
        abort(404)
    if engagement.status not in RECORD_OPEN:
        raise workflow.WorkflowError(
            _("The record is closed in this state (%(state)s).", state=engagement.status.title)
        )
    return team.programme_of(engagement)


def record_activity(
    engagement: DiagnosisEngagement,
    actor: User,
    *,
    kind: ActivityKind,
    started_at: datetime,
    ended_at: datetime,
    topic: str,
    outcome: str,
    attendees: str,
    sign_in: FileStorage | None,
) -> DiagnosisActivity:
    """A meeting, training or visit as the sign-in sheet gives it; its duration is checked
    against the programme (a visit of 2 hours where 3 are asked is refused)."""
    programme = editable(engagement, actor)
    if kind == ActivityKind.REPORT_TO_HEAD:
        raise Refused("kind", _("The report is presented to the enterprise's head once submitted."))
    if len(engagement.activities) >= MAX_ACTIVITIES:
        raise Refused("kind", _("An engagement records at most %(n)d meetings and visits.",
                                n=MAX_ACTIVITIES))  # fmt: skip
    check_times(engagement, started_at, ended_at)
    problems = {
        ActivityKind.VISIT: rules.visit_problems,
        ActivityKind.TRAINING: rules.training_problems,
    }.get(kind)
    found = problems(programme, started_at, ended_at) if problems else []
    if found:
        raise Refused("ended_at", found[0])
    activity = DiagnosisActivity(
        engagement_id=engagement.id,
        kind=kind,
        started_at=started_at,
        ended_at=ended_at,
        topic=topic,
        outcome=outcome,
        attendees=attendees,
        created_by_id=actor.id,
    )
    engagement.activities.append(activity)
    db.session.flush()
    if sign_in is not None and sign_in.filename:
        sheet = files.keep(engagement, actor, sign_in, SIGN_IN, SIGN_IN_EXTENSIONS, "sign_in",
                      activity_id=activity.id)  # fmt: skip
        activity.files.append(sheet)
    touch(engagement)
    return activity


def check_times(engagement: DiagnosisEngagement, started_at: datetime, ended_at: datetime) -> None:
    if ended_at <= started_at:
        raise Refused("ended_at", _("The end comes after the start."))
    now = local_time(utcnow())
    if now is not None and ended_at > now + timedelta(minutes=5):
        raise Refused("ended_at", _("Record what has taken place: the end is in the future."))
    signed = engagement.agreement_signed_on
    if signed is not None and started_at.date() < signed:
        raise Refused("started_at", _("This is before the agreement was signed."))
    if ended_at - started_at > timedelta(days=7):
        raise Refused("ended_at", _("Record a meeting or visit of at most 7 days at a time."))


def activity_of(engagement: DiagnosisEngagement, activity_id: int) -> DiagnosisActivity:
    found = next((a for a in engagement.activities if a.id == activity_id), None)
    if found is None:
        abort(404)
    return found


def remove_activity(engagement: DiagnosisEngagement, actor: User, activity_id: int) -> None:
    """A meeting or visit recorded by mistake, with its sign-in sheet and photos. The
    presentation to the head is part of the close and stays."""
    editable(engagement, actor)
    activity = activity_of(engagement, activity_id)
    if activity.kind == ActivityKind.REPORT_TO_HEAD:
        abort(404)
    for kept in activity.files:
        on_commit(functools.partial(uploads.remove, kept.stored_name))
    engagement.activities.remove(activity)
    touch(engagement)


def remove_file(engagement: DiagnosisEngagement, actor: User, file_id: int) -> None:
    """A photo or sign-in sheet uploaded by mistake; the stored file goes once committed."""
    editable(engagement, actor)
    for activity in engagement.activities:
        kept = next((f for f in activity.files if f.id == file_id), None)
        if kept is not None and activity.kind != ActivityKind.REPORT_TO_HEAD:
            on_commit(functools.partial(uploads.remove, kept.stored_name))
            activity.files.remove(kept)
            touch(engagement)
            return
    abort(404)


def add_photo(engagement: DiagnosisEngagement, actor: User, activity_id: int, category: str,
              photo: FileStorage) -> DiagnosisFile:  # fmt: skip
    programme = editable(engagement, actor)
    activity = activity_of(engagement, activity_id)
    if activity.kind != ActivityKind.VISIT:
        abort(404)
    keys = [c.key for c in programme.visits.photos] or [OTHER_PHOTO]
    if category not in keys:
        raise Refused("category", _("Choose one of the programme's photo categories."))
    if len(activity.files) >= MAX_PHOTOS_PER_VISIT:
        raise Refused("photo", _("A visit keeps at most %(n)d photos.", n=MAX_PHOTOS_PER_VISIT))
    kept = files.keep(engagement, actor, photo, PHOTO, uploads.IMAGE_EXTENSIONS, "photo",
                 activity_id=activity.id, category=category)  # fmt: skip
    activity.files.append(kept)  # the visit's list, loaded by the count above, sees it too
    touch(engagement)
    return kept


def save_report(engagement: DiagnosisEngagement, actor: User, sections: dict[str, str]) -> None:
    programme = editable(engagement, actor)
    keys = {s.key for s in programme.report.sections}
    engagement.report = {key: text for key, text in sections.items() if key in keys}
    touch(engagement)


# --- what the record counts ------------------------------------------------------------------


@dataclass(frozen=True)
class VisitPhotos:
    activity: DiagnosisActivity
    problems: list[str]  # against the programme's photo rules
    flags: dict[int, list[str]]  # photo id -> what the reviewer should look at


def on_site_days(activities: list[DiagnosisActivity]) -> int:
    days: set[date] = set()
    for a in activities:
        if a.kind == ActivityKind.VISIT:
            day = a.started_at.date()
            while day <= a.ended_at.date():
                days.add(day)
                day += timedelta(days=1)
    return len(days)


def done(engagement: DiagnosisEngagement, *, with_reports: bool) -> rules.Done:
    kinds = Counter(a.kind for a in engagement.activities)
    return rules.Done(
        on_site_days=on_site_days(engagement.activities),
        visits=kinds[ActivityKind.VISIT],
        trainings=kinds[ActivityKind.TRAINING],
        reports_to_head=kinds[ActivityKind.REPORT_TO_HEAD] if with_reports else None,
    )


def visit_photos(engagement: DiagnosisEngagement, programme: Programme) -> list[VisitPhotos]:
    result = []
    for a in engagement.activities:
        if a.kind != ActivityKind.VISIT:
            continue
        photos = [f for f in a.files if f.kind == PHOTO]
        counts = Counter(f.category for f in photos)
        result.append(
            VisitPhotos(
                activity=a,
                problems=rules.photo_problems(programme, counts),
                flags={
                    f.id: rules.photo_flags(f.taken_at, a.started_at, a.ended_at) for f in photos
                },
            )
        )
    return result


def report_text(engagement: DiagnosisEngagement) -> str:
    return "\n".join(engagement.report.values())


def submission_problems(engagement: DiagnosisEngagement) -> list[str]:
    """Everything the programme asks before the report goes in: the field work, each visit's
    photos, every section written and the report's length."""
    programme = team.programme_of(engagement)
    problems = rules.close_problems(programme, done(engagement, with_reports=False))
    for visit in visit_photos(engagement, programme):
        when = visit.activity.started_at.strftime("%Y-%m-%d %H:%M")
        problems.extend(f"{when}: {p}" for p in visit.problems)
    missing = [s for s in programme.report.sections if not engagement.report.get(s.key, "").strip()]
    if missing:
        problems.append(_("Sections still empty: %(n)d.", n=len(missing)))
    problems.extend(rules.report_problems(programme, report_text(engagement)))
    return problems
