"""Every route, as every party, with hostile values: no 5xx, and nothing half-written.

Hostile values go where a person or a script can put them: every query argument a page reads,
every form field any form has (all at once, with a valid CSRF token), the text parts of the
URL, and ids past what an id column holds. A response of 4xx must leave the database as it
was: no INSERT, UPDATE or DELETE of that request may be committed.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import blueprints
from app.extensions import db
from app.input_boundary import IdConverter
from app.security.tokens import make_token
from models import (
    ConflictOfInterest,
    ConflictRelation,
    DemandSolution,
    Notification,
    Objection,
    PublicityEntry,
    ReformSubsidy,
    ScheduleItem,
)
from tests import factories
from tests.conftest import Browser
from tests.scene import GETS, PARTIES, Scene, build, email_links, is_write

# Values no form expects: empty, huge, control characters, marks that turn text around, emoji,
# numbers past every column, impossible dates, markup, an enum value nobody defined.
HOSTILE = [
    "",
    "x" * 20_000,
    "\x00",
    "abc\x00def",
    "\x1b[2J\x07",
    "\u202e\u2066逆向\u2069",
    "😀" * 50,
    "9" * 400,
    "-2147483649",
    "9223372036854775808",
    "9999-12-31",
    "2026-02-30",
    "<script>alert(1)</script>' OR '1'='1",
    "no_such_value",
]
# In the URL itself (the text parts): a shorter list, each one a path segment.
HOSTILE_SEGMENTS = ["\x00", "x" * 2_000, "\u202e逆", "😀", "..", "no_such_value"]
TOO_LARGE_IDS = ["2147483648", "9223372036854775808"]
MARKER = 1_987_654_321  # a valid id, replaced by the ones that are too large

# Query arguments the pages read (filters, search, pages, language, the next page after
# sign-in).
QUERY_NAMES = [
    "page", "q", "kind", "status", "role", "number", "name", "region", "body", "since",
    "until", "lang", "next", "as_of", "section", "within",
]  # fmt: skip
# Fields the hand-written forms of the templates post, beside those of the WTForms classes.
TEMPLATE_FIELDS = [
    "decision", "reason", "new_name", "new_address", "kind", "name", "contact", "comment",
    "confirm", "move", "lang", "next", "version", "project_ids", "member_ids", "starts_on",
    "ends_on", "completed_on", "scope", "title", "consulting_step", "active", "email",
]  # fmt: skip
# Signing out would end the party's session for the rest of the walk.
NOT_FUZZED = {"static", "auth.logout"}
UPLOADS = {
    "projects.upload",
    "audits.answer",
    "audits.add_finding",
    "cases.appeal",
    "complaints.lodge",
}


def form_field_names() -> set[str]:
    """Every field name of every form class of the features."""
    names = set(TEMPLATE_FIELDS)
    for info in pkgutil.walk_packages(blueprints.__path__, "blueprints."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FlaskForm):
                names |= {n for n in dir(value) if isinstance(getattr(value, n), UnboundField)}
    names.discard("csrf_token")
    return names


def path_values(scene: Scene) -> dict[str, object]:
    """A valid value for each URL argument, so that the view code behind it runs."""
    item = db.session.scalar(
        sa.select(ScheduleItem).where(ScheduleItem.audit_id == scene.surveillance.id)
    )
    entry = db.session.scalar(
        sa.select(PublicityEntry).where(PublicityEntry.project_id == scene.in_publicity.id)
    )
    objection = db.session.scalar(sa.select(Objection).where(Objection.entry_id == entry.id))
    member = factories.user(scene.parties.enterprise_org)  # safe to deactivate
    conflict = ConflictOfInterest(
        user_id=scene.parties.lead.id,
        organisation_id=None,
        name="外部公司",
        credit_code=factories.credit_code(),
        relation=ConflictRelation.EMPLOYED,
        starts_on=date(2020, 1, 1),
    )
    db.session.add(conflict)
    db.session.flush()
    return {
        "project_id": scene.project.id,
        "engagement_id": scene.engagement_id,
        "key": "plan",
        "report_id": scene.progress_report_id,
        "key_id": scene.api_key_id,
        "endpoint_id": scene.webhook_id,
        "delivery_id": scene.webhook_delivery_id,
        "job_id": scene.export_id,
        "row": 1,
        "member_id": scene.member_id,
        "activity_id": 1,
        "file_id": scene.engagement_file_id,
        "audit_id": scene.stage2.id,
        "finding_id": scene.finding.id,
        "number": scene.certificate.number,
        "item_id": item.id,
        "org_id": scene.parties.enterprise_org.id,
        "user_id": member.id,
        "assessment_id": scene.draft.id,
        "section_key": scene.first_section,
        "entry_id": entry.id,
        "objection_id": objection.id,
        "batch_id": entry.batch_id,
        "message_id": scene.outbox_id,
        "notification_id": db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == scene.parties.enterprise.id)
        ),
        "document_id": scene.manual_id,
        "name": "recommend",
        "action": "suspend",
        "step": "review",
        "campaign_id": scene.campaign_id,
        "bulletin_id": scene.bulletin_id,
        "notice_id": scene.notice_id,
        "attachment_id": scene.notice_attachment_id,
        "region": "310000",
        "code": "9.3",
        "registration_id": scene.registration_id,
        "competence_id": scene.competence_id,
        "training_id": scene.training_id,
        "conflict_id": conflict.id,
        "case_id": scene.case_id,
        "special_id": scene.special_audit_id,
        "event_id": scene.appeal_event_id,
        "kind": "project",
        # The scene's demand library's solution (its need is reached by entry_id's fuzzing).
        "solution_id": db.session.scalar(sa.select(sa.func.min(DemandSolution.id))),
        # The scene's place in the provider pool's product (file_id, objection_id and
        # member_id reach the pool's routes with other features' ids: 404 there).
        "product_id": scene.pool_product_id,
        # The scene's reform contract (project_id and delivery_id reach the reform's routes
        # with other features' ids: 404 there).
        "contract_id": scene.reform_contract_id,
        # The scene's applied subsidy and its project's outcome.
        "subsidy_id": db.session.scalar(sa.select(sa.func.min(ReformSubsidy.id))),
        "outcome_id": scene.reform_outcome_id,
    }


class Watch:
    """Per request: did it run a write, and was a write committed afterwards?"""

    def __init__(self):
        self.wrote = self.committed = False

    def reset(self) -> None:
        self.wrote = self.committed = False

    def statement(self, _conn, _cursor, statement, *_args) -> None:
        self.wrote = self.wrote or is_write(statement)

    def commit(self, *_args) -> None:
        # In the test's transaction a request's commit releases a savepoint.
        self.committed = self.committed or self.wrote


@pytest.fixture
def watched(app) -> Iterator[Watch]:
    watch = Watch()
    with app.app_context():
        engine = db.engine
    hooks = [
        ("before_cursor_execute", watch.statement),
        ("commit", watch.commit),
        ("release_savepoint", watch.commit),
    ]
    for name, hook in hooks:
        sa.event.listen(engine, name, hook)
    try:
        yield watch
    finally:
        for name, hook in hooks:
            sa.event.remove(engine, name, hook)


# One test per party, each in its own transaction: on PostgreSQL every request that writes
# commits a savepoint whose transaction id stays locked until the test's transaction ends, and
# all parties' walks in one transaction would outgrow the server's lock table.
@pytest.mark.parametrize("party", list(PARTIES))
def test_no_input_gives_a_server_error_or_a_half_written_change(app, app_ctx, watched, party):
    scene = build(app)
    fields = sorted(form_field_names())
    values = path_values(scene)
    db.session.commit()
    # A hostile value may be a good password: the reset link is a bystander's, not a party's.
    bystander = factories.user(scene.parties.enterprise_org)
    db.session.commit()
    scene.tokens = email_links(scene)
    tokens = {
        "auth.verify": scene.tokens["verify"],
        "auth.reset_password": make_token(bystander, "reset"),
        "auth.accept_invitation": scene.tokens["invite"],
        # An import's result exists only after the import: any token answers 404.
        "roster.result": "0" * 32,
        "roster.errors": "0" * 32,
    }
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in NOT_FUZZED]

    def arguments(rule) -> dict[str, object]:
        if "token" in rule.arguments:
            return {"token": tokens[rule.endpoint]}
        if rule.endpoint in GETS:
            known = GETS[rule.endpoint](scene)[0]
            return {k: v for k, v in known.items() if k in rule.arguments}
        return {name: values[name] for name in rule.arguments}

    def hostile_urls(rule) -> Iterator[str]:
        """The rule's URL with one argument made hostile at a time."""
        valid = arguments(rule)
        for name, converter in rule._converters.items():
            with app.test_request_context():
                if isinstance(converter, IdConverter):
                    marker = url_for(rule.endpoint, **{**valid, name: MARKER})
                    yield from (marker.replace(str(MARKER), big) for big in TOO_LARGE_IDS)
                else:
                    for segment in HOSTILE_SEGMENTS:
                        yield url_for(rule.endpoint, **{**valid, name: segment})

    app.config["RATELIMIT_ENABLED"] = False  # the walk: one address, thousands of requests
    problems: list[str] = []
    requests = 0

    def send(browser: Browser, method: str, url: str, **kwargs) -> None:
        nonlocal requests
        watched.reset()
        requests += 1
        try:
            response = browser.client.open(url, method=method, **kwargs)
        except Exception as error:  # testing propagates what would be a 500
            problems.append(f"500 {type(error).__name__}: {error!s:.100} — {method} {url[:120]!r}")
            db.session.rollback()
            return
        response.close()
        code = response.status_code
        if code >= 500:
            problems.append(f"{code} {method} {url[:120]!r}")
        elif code >= 400 and watched.committed:
            problems.append(f"half-written by a {code}: {method} {url[:120]!r}")

    try:
        number, person = list(PARTIES).index(party) + 1, PARTIES[party]
        client = app.test_client()
        # Each party from its own address: the anonymous walk's failed sign-ins must not
        # throttle the next party's (the throttle counts per address).
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number}"
        browser = Browser(client)
        who = person(scene)
        if who is not None:
            signed_in = browser.login(who.email, factories.PASSWORD)
            assert signed_in.status_code == 302, party
        token = browser.token("/login" if who is None else "/dashboard")
        for rule in rules:
            with app.test_request_context():
                url = url_for(rule.endpoint, **arguments(rule))
            for value in HOSTILE:
                if "GET" in rule.methods:
                    send(browser, "GET", url, query_string=dict.fromkeys(QUERY_NAMES, value))
                if "POST" in rule.methods:
                    form: dict[str, object] = dict.fromkeys(fields, value)
                    if rule.endpoint in UPLOADS:
                        # Werkzeug's test client spools a multipart body past 500 KB into a
                        # temporary file it never closes: keep these bodies smaller.
                        form = dict.fromkeys(fields, value[:2000])
                        form["file"] = (BytesIO(b"%PDF-1.4\n%%EOF\n"), value or "a.pdf")
                    send(browser, "POST", url, data={**form, "csrf_token": token})
            if party in ("anonymous", "admin"):
                for hostile in hostile_urls(rule):
                    method = "GET" if "GET" in rule.methods else "POST"
                    send(browser, method, hostile, data={"csrf_token": token})
    finally:
        app.config["RATELIMIT_ENABLED"] = True
    print(f"\nfuzz: {requests} requests over {len(rules)} routes as {party}")
    assert not problems, f"{len(problems)} of {requests} requests:\n" + "\n".join(problems[:60])
