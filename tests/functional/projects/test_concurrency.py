"""Simultaneous identical transitions: exactly one wins, on a database with real commits."""

import threading
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from models import ProjectEvent, ProjectStatus
from tests import factories
from tests.conftest import Browser

THREADS = 6


def test_exactly_one_of_simultaneous_transitions_succeeds(committed_app):
    app = committed_app
    with app.app_context():
        parties = factories.Parties()
        project = factories.project(parties, ProjectStatus.STAGE1_PLANNED)
        project_id, lead_email = project.id, parties.lead.email
        db.session.commit()

    browsers = []
    for _ in range(THREADS):
        browser = Browser(app.test_client())
        assert browser.login(lead_email, factories.PASSWORD).status_code == 302
        browsers.append((browser, browser.token(f"/projects/{project_id}")))

    barrier = threading.Barrier(THREADS)
    results: list[int] = []

    def complete(browser, token):
        barrier.wait()
        try:
            response = browser.client.post(
                f"/projects/{project_id}/actions/complete_stage1",
                data={"csrf_token": token, "completed_on": date.today().isoformat()},
            )
            results.append(response.status_code)
        except Exception as exc:  # a crash must fail the test, not vanish with the thread
            results.append(repr(exc))

    threads = [threading.Thread(target=complete, args=pair) for pair in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(map(str, results)) == ["302"] + ["409"] * (THREADS - 1), results
    with app.app_context():
        events = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ProjectEvent)
            .where(ProjectEvent.project_id == project_id, ProjectEvent.action == "complete_stage1")
        )
        assert events == 1
