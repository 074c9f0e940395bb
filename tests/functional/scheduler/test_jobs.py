"""The scheduler's jobs, run once, and the administrator's heartbeat warning."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.mail.outbox import queue_email
from app.scheduler.runner import run_once, stale_jobs
from blueprints.certificates.services import issue_for
from models import (
    Certificate,
    CertificateStatus,
    JobRun,
    OrgKind,
    ProjectStatus,
    PublicityBatch,
    PublicityEntry,
    Role,
)
from tests import factories
from tests.functional.projects.helpers import browser_for, reload


def test_run_once_does_every_job_and_records_heartbeats(app, app_ctx, smtp_server):
    user = factories.user()
    queue_email(
        dedup_key="job:test",
        recipient=user.email,
        template="reset",
        locale="zh",
        user=user,
        link="http://localhost/x",
    )
    parties = factories.Parties()
    project = factories.project(parties, ProjectStatus.IN_PUBLICITY)
    staff = factories.user(factories.organisation(OrgKind.ALLIANCE), role=Role.ALLIANCE_STAFF)
    batch = PublicityBatch(
        title="批次",
        starts_on=date.today() - timedelta(days=10),
        ends_on=date.today() - timedelta(days=3),
        working_days=5,
        created_by_id=staff.id,
    )
    batch.entries.append(
        PublicityEntry(
            project_id=project.id, enterprise_name="e", region_name="r", body_name="b", scope="s"
        )
    )
    db.session.add(batch)
    db.session.flush()
    project.publicity_batch_id = batch.id
    old = issue_for(factories.project(factories.Parties(), ProjectStatus.READY_TO_ISSUE), staff)
    old.expires_on = date.today() - timedelta(days=1)
    db.session.commit()

    results = run_once(app)
    assert all(results.values()), results
    assert smtp_server.to(user.email)
    assert reload(project.id).status == ProjectStatus.READY_TO_ISSUE
    db.session.expire_all()
    assert db.session.get(PublicityBatch, batch.id).closed_at is not None
    expired = db.session.get(Certificate, old.id)
    assert expired.status == CertificateStatus.EXPIRED
    assert expired.events[-1].action == "expire" and expired.events[-1].actor_id is None
    rows = {row.job: row for row in db.session.scalars(sa.select(JobRun))}
    assert set(rows) == set(results)
    assert all(row.last_ok_at and row.last_error is None for row in rows.values())
    # Running again changes nothing more (idempotent).
    assert all(run_once(app).values())
    assert reload(project.id).status == ProjectStatus.READY_TO_ISSUE


def test_admin_is_warned_when_the_heartbeat_is_stale(app, app_ctx):
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    admin = factories.user(alliance, role=Role.ADMIN)
    db.session.commit()
    warning = "scheduler run"
    assert stale_jobs(app)  # never ran
    assert warning in browser_for(app, admin).get("/dashboard").get_data(as_text=True)
    run_once(app)
    assert stale_jobs(app) == []
    assert warning not in browser_for(app, admin).get("/dashboard").get_data(as_text=True)
    later = datetime.now() + timedelta(minutes=app.config["SCHEDULER_STALE_MINUTES"] + 5)
    with time_machine.travel(later, tick=False):
        ran = set(db.session.scalars(sa.select(JobRun.job)))
        assert set(stale_jobs(app)) == ran  # every heartbeat is now too old


def test_a_failing_job_is_recorded_and_the_others_still_run(app, app_ctx, monkeypatch):
    from app.scheduler.registry import EXTENSION_KEY, PeriodicTask, tasks_of

    def broken() -> str:
        raise RuntimeError("boom")

    failing = PeriodicTask("broken", broken, timedelta(minutes=1))
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, (failing, *tasks_of(app)))
    results = run_once(app)
    assert results["broken"] is False
    assert all(ok for name, ok in results.items() if name != "broken")
    row = db.session.get(JobRun, "broken")
    assert "RuntimeError: boom" in row.last_error
