"""A list's Excel past EXPORT_INLINE_ROWS: the GET asks for confirmation, the POST queues one
job, the scheduler writes exactly the rows of the inline export (the same filters, the same
sort) as the job's owner, with progress recorded; the owner is notified, the file is theirs
only and is deleted once expired; two claims of one job have one winner, and an owner who lost
access gets a failed job, not the rows."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

import openpyxl
import pytest
import sqlalchemy as sa

from app import list_exports, storage
from app.clock import utcnow
from app.extensions import db
from blueprints.exports import jobs
from models import ExportJob, ExportStatus, Notification, OrgKind, OutboxMessage, Role
from tests import factories
from tests.functional.projects import region_world as rw
from tests.functional.projects.helpers import browser_for

URL = "/orgs/export.xlsx"
ARGS = {"region": "44", "sort": "-created"}
QUERY = "region=44&sort=-created"


@pytest.fixture
def official(app_ctx):
    authority = factories.organisation(OrgKind.AUTHORITY, region="440000", name="广东省工信厅测试")
    official = factories.user(authority, role=Role.AUTHORITY)
    for n, region in enumerate(("440305", "440106", "440304", "440111", "310115")):
        factories.organisation(region=region, created_at=datetime(2026, 3, 1 + n, 4))
    db.session.commit()
    return official


@pytest.fixture
def small(app, monkeypatch):
    """Lists of more than two rows go to the background; progress every two rows."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 2)
    monkeypatch.setattr(list_exports, "CHUNK", 2)


def sheet_rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def queued(browser, query: str = QUERY) -> ExportJob:
    response = browser.submit(f"{URL}?{query}", {})
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    return job


def jobs_of(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ExportJob).where(ExportJob.owner_id == user.id)
    )


def test_a_large_list_asks_then_queues_one_job(app, official, small):
    browser = browser_for(app, official)
    page = browser.get(URL, query_string=ARGS)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "后台" in page.get_data(as_text=True)
    assert jobs_of(official) == 0  # the GET wrote nothing
    # Without the CSRF token: refused, nothing queued.
    assert browser.client.post(f"{URL}?{QUERY}").status_code == 400
    assert jobs_of(official) == 0
    job = queued(browser)
    assert queued(browser).id == job.id  # a double submit: the same job
    assert jobs_of(official) == 1
    assert (
        job.status is ExportStatus.QUEUED
        and job.args == {"region": ["44"], "sort": ["-created"]}
        and job.locale == "zh"
    )
    assert job.export == "orgs.export_xlsx" and job.filename.startswith("organisations-")
    view = browser.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "等待" in view and "export-progress.js" in view and "刷新" in view
    status = browser.get(f"/exports/{job.id}/status").get_json()
    assert status["status"] == "queued" and status["active"] and status["download"] is None
    assert status["rows_text"] == "已写入 0 / 0 行"
    # A small list stays inline.
    assert browser.get(URL, query_string={"q": "广东省工信厅测试"}).mimetype.endswith("sheet")


def test_the_job_writes_the_rows_of_the_inline_export(app, official, small, monkeypatch):
    browser = browser_for(app, official)
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1000)
    inline = sheet_rows(browser.get(URL, query_string=ARGS).data)
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 2)
    job = queued(browser)
    progress: list[dict] = []
    record = list_exports.record_progress
    monkeypatch.setattr(
        list_exports, "record_progress", lambda i, **v: (progress.append(v), record(i, **v))
    )
    assert jobs.run_queued() == "done 1, failed 0"
    db.session.expire_all()
    assert job.status is ExportStatus.DONE and job.error is None
    assert job.rows_total == job.rows_written == len(inline) - 1 == 5
    assert progress == [
        {"rows_total": 5, "rows_written": 0},
        {"rows_written": 2},
        {"rows_written": 4},
    ]
    assert job.expires_at == job.finished_at + timedelta(hours=24)
    response = browser.get(f"/exports/{job.id}/file")
    assert response.status_code == 200
    assert sheet_rows(response.data) == inline
    assert job.filename in response.headers["Content-Disposition"]
    assert "attachment" in response.headers["Content-Disposition"]
    response.close()  # a download streams its file
    page = browser.get(f"/exports/{job.id}").get_data(as_text=True)
    assert f"/exports/{job.id}/file" in page and "export-progress.js" not in page
    listing = browser.get("/exports/").get_data(as_text=True)
    assert f"/exports/{job.id}/file" in listing
    # The owner hears of it, in the app and by email (in their language).
    key = f"export.done:export:{job.id}:{official.id}"
    notice = db.session.scalar(sa.select(Notification).where(Notification.key == key))
    assert (
        notice is not None
        and "已生成" in notice.title
        and notice.link.endswith(f"/exports/{job.id}")
    )
    email = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.dedup_key == key))
    assert email is not None and email.recipient == official.email and email.locale == "zh"
    assert jobs.run_queued() == "done 0, failed 0"  # nothing left


def test_another_user_gets_404_on_the_page_and_the_file(app, official, small):
    job = queued(browser_for(app, official))
    jobs.run_queued()
    other = factories.user(official.organisation, role=Role.AUTHORITY)
    db.session.commit()
    browser = browser_for(app, other)
    for tail in ("", "/status", "/file"):
        assert browser.get(f"/exports/{job.id}{tail}").status_code == 404, tail
    assert f"/exports/{job.id}" not in browser.get("/exports/").get_data(as_text=True)
    assert app.test_client().get(f"/exports/{job.id}/file").status_code in (302, 401)


def test_an_expired_job_loses_its_file_and_says_so(app, official, small, store):
    """In the upload store (the local folder, an S3 bucket): any node serves the file."""
    browser = browser_for(app, official)
    job = queued(browser)
    jobs.run_queued()
    db.session.expire_all()
    key = list_exports.key_of(job.stored_name)
    assert store.exists(key)
    download = browser.get(f"/exports/{job.id}/file")
    assert download.status_code == 200 and download.data[:2] == b"PK"  # a workbook
    download.close()
    assert jobs.expire() == "expired 0, stale 0"
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert jobs.expire() == "expired 1, stale 0"
    db.session.expire_all()
    assert job.status is ExportStatus.EXPIRED and job.stored_name is None
    assert not store.exists(key)
    assert browser.get(f"/exports/{job.id}/file").status_code == 404
    assert "已过期" in browser.get(f"/exports/{job.id}").get_data(as_text=True)


def test_two_claims_of_one_job_have_one_winner(app, official, small):
    job = queued(browser_for(app, official))
    assert [jobs.claim(job.id), jobs.claim(job.id)] == [True, False]
    assert jobs.run(app, job.id) is None  # claimed elsewhere: not run twice
    db.session.expire_all()
    assert job.status is ExportStatus.RUNNING and job.stored_name is None


def test_an_owner_who_lost_access_gets_a_failed_job(app, official, small):
    job = queued(browser_for(app, official))
    official.role = Role.ENTERPRISE  # no longer sees other organisations
    db.session.commit()
    stored = set(storage.current().all_keys())
    assert jobs.run_queued() == "done 0, failed 1"
    db.session.expire_all()
    assert job.status is ExportStatus.FAILED and job.error == "forbidden"
    assert job.stored_name is None and job.rows_written == 0
    assert set(storage.current().all_keys()) == stored  # no file left behind
    key = f"export.failed:export:{job.id}:{official.id}"
    assert db.session.scalar(sa.select(Notification.id).where(Notification.key == key))
    page = browser_for(app, official).get(f"/exports/{job.id}").get_data(as_text=True)
    assert "您已无权查看此列表" in page and "Traceback" not in page


def test_a_stale_running_job_fails_and_a_crash_keeps_no_traceback(
    app, official, small, monkeypatch
):
    browser = browser_for(app, official)
    job = queued(browser)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(list_exports, "record_progress", broken)
    assert jobs.run_queued() == "done 0, failed 1"
    db.session.expire_all()
    assert job.status is ExportStatus.FAILED and job.error == "failed"
    assert "disk full" not in browser.get(f"/exports/{job.id}").get_data(as_text=True)
    stuck = ExportJob(
        owner_id=official.id, export="orgs.export_xlsx", args={}, locale="zh", title="t",
        filename="f.xlsx", status=ExportStatus.RUNNING, started_at=utcnow() - timedelta(hours=3),
    )  # fmt: skip
    db.session.add(stuck)
    db.session.commit()
    assert jobs.expire() == "expired 0, stale 1"
    db.session.expire_all()
    assert stuck.status is ExportStatus.FAILED


def test_two_schedulers_on_real_commits_run_a_job_once(committed_app, monkeypatch):
    """With real transactions (progress on its own connection, as in production), two
    scheduler threads take the same job: one writes the file, the other finds it claimed."""
    app = committed_app
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 2)
    monkeypatch.setattr(list_exports, "CHUNK", 2)
    with app.app_context():
        authority = factories.organisation(OrgKind.AUTHORITY, region="440000")
        official = factories.user(authority, role=Role.AUTHORITY)
        for region in ("440305", "440106", "440304", "440111"):
            factories.organisation(region=region)
        db.session.commit()
        email = official.email
    browser = browser_for(app, SimpleNamespace(email=email))
    response = browser.submit(f"{URL}?{QUERY}", {})
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    seen: list[int] = []
    record = list_exports.record_progress

    def spy(i, **values):
        record(i, **values)
        with app.app_context():  # another session reads what was committed meanwhile
            seen.append(db.session.get(ExportJob, i).rows_written)

    monkeypatch.setattr(list_exports, "record_progress", spy)
    barrier = threading.Barrier(2)
    results: list = []

    def scheduler():
        barrier.wait()
        results.append(jobs.run(app, job_id))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results, key=str) == sorted([ExportStatus.DONE, None], key=str)
    assert seen == [0, 2, 4]
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        assert job.status is ExportStatus.DONE and job.rows_written == job.rows_total == 5
        assert storage.current().exists(list_exports.key_of(job.stored_name))


def test_every_value_of_an_argument_is_replayed(app, small, monkeypatch):
    """A region picker sends ``region`` once per level (the deepest that nests is meant): the
    job keeps them all, and a region list's file holds the rows its inline Excel does."""
    world = rw.build()
    db.session.commit()
    browser = browser_for(app, world.staff)
    url = f"/projects/region.xlsx?region=31&region={rw.XUHUI}"
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1000)
    inline = sheet_rows(browser.get(url).data)
    assert len(inline) == 3  # the header, Xuhui's two projects
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1)
    response = browser.submit(url, {})
    job = db.session.get(ExportJob, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert job.args == {"region": ["31", rw.XUHUI]}
    assert jobs.run_queued() == "done 1, failed 0"
    response = browser.get(f"/exports/{job.id}/file")
    data = response.data
    response.close()
    assert sheet_rows(data) == inline
