"""No page writes on GET: every GET route, as every party, runs no INSERT, UPDATE or DELETE.

The scene is the one where a page would be most tempted to write: a project past its 6-month
deadline (status CORRECTION, stage 2 completed more than MAJOR_NC_MAX_MONTHS ago, a major
nonconformity not verified) — only the scheduler may send it back to stage-2 planning, the
page just says so — and an issued certificate with its schedule (its first surveillance audit
planned, a request of the holder waiting), a project in publicity with an objection, self-
assessments, notifications, a queued email, documents and the links of the emails.

Every GET endpoint of ``app.url_map`` is either requested here (``GETS``), or skipped with the
reason (``SKIPPED``); a new GET route fails ``test_every_get_route_is_requested_or_skipped``
until it is added to one of them. The links of the emails are requested too: the verification
link shows a button (a mail gateway that opens every link confirms nothing), and the language
switch by ``?lang=`` only remembers the choice in the session.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from models import Project
from tests import factories
from tests.conftest import Browser
from tests.scene import GETS, PARTIES, build, email_links, is_write

SKIPPED: dict[str, str] = {
    "static": "files of app/static, sent by Flask itself: no view code, no database",
    "reform.delivery_file": "a delivery's file, recorded only once the city filed the project: "
    "tests/functional/reform records and reads one",
    **dict.fromkeys(
        (
            "api_v1.register",
            "api_v1.projects",
            "api_v1.project",
            "api_v1.findings",
            "api_v1.assessments",
            "api_v1.assessment",
            "api_v1.campaigns",
            "api_v1.campaign_progress",
        ),
        "keyed (a session stands for nobody in the API), and a key's call records its last "
        "use once a minute by design: tests/functional/api call it with keys",
    ),
}


def get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


def test_every_get_route_is_requested_or_skipped(app):
    listed = [*GETS, *SKIPPED]
    assert len(listed) == len(set(listed)), "an endpoint is listed twice"
    endpoints = get_endpoints(app)
    assert endpoints - set(listed) == set(), "new GET routes: add them to GETS or SKIPPED"
    assert set(listed) - endpoints == set(), "these endpoints are gone: remove them here"


class Recorder:
    """Every statement that reaches the database while it listens, per URL."""

    def __init__(self):
        self.url = ""
        self.writes: dict[str, list[str]] = {}

    def __call__(self, _conn, _cursor, statement, *_args):
        if is_write(statement):
            self.writes.setdefault(self.url, []).append(" ".join(statement.split()))


def test_no_get_writes(app, app_ctx):
    scene = build(app)
    db.session.commit()  # release the savepoint: the requests see the scene
    before = (scene.project.status, scene.project.lock_version)

    # Sign in first: signing in writes (last sign-in time), the pages must not.
    browsers: dict[str, Browser] = {}
    for party, person in PARTIES.items():
        browsers[party] = Browser(app.test_client())
        who = person(scene)
        if who is not None:
            response = browsers[party].login(who.email, factories.PASSWORD)
            assert response.status_code == 302, party
    scene.tokens = email_links(scene)

    urls = [url_for(e, **args) for e, arguments in GETS.items() for args in arguments(scene)]

    recorder = Recorder()
    with app.app_context():
        engine = db.engine
    statuses: dict[str, dict[str, int]] = {}
    sa.event.listen(engine, "before_cursor_execute", recorder)
    try:
        for party, browser in browsers.items():
            for url in urls:
                recorder.url = f"{party}: GET {url}"
                response = browser.get(url)
                response.close()  # downloads stream a file: let it go
                statuses.setdefault(url, {})[party] = response.status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", recorder)

    errors = [
        f"{party}: GET {url} → {code}"
        for url, codes in statuses.items()
        for party, code in codes.items()
        if code >= 500
    ]
    assert not errors, "\n".join(errors)
    # Each URL is seen by someone: a URL refused to everybody would test no view code.
    refused_to_all = [url for url, codes in statuses.items() if min(codes.values()) >= 400]
    assert not refused_to_all, refused_to_all

    assert not recorder.writes, "GET requests that write:\n" + "\n".join(
        f"{request}\n    " + "\n    ".join(statements)
        for request, statements in recorder.writes.items()
    )

    db.session.expire_all()
    project = db.session.get(Project, scene.project.id)
    assert (project.status, project.lock_version) == before
