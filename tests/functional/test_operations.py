"""What operators read: the request id on every response, log line and queued message; the
metrics endpoint, closed to the public; JSON log lines."""

from __future__ import annotations

import io
import json
import logging
import re

import sqlalchemy as sa

from app import logs, request_ids
from app.extensions import db
from app.mail.outbox import Email, queue_email, queue_emails
from models import OutboxMessage
from tests import factories
from tests.conftest import make_test_app

HEX_ID = re.compile(r"[0-9a-f]{32}")


def test_every_response_carries_a_fresh_id_unless_a_trusted_proxy_gave_one(app, tmp_path):
    first, second = (app.test_client().get("/healthz").headers["X-Request-ID"] for _ in "12")
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second) and first != second
    # Not behind a trusted proxy: a caller cannot choose the id the logs will show.
    offered = {"X-Request-ID": "chosen-by-the-caller"}
    assert app.test_client().get("/healthz", headers=offered).headers["X-Request-ID"] != (
        "chosen-by-the-caller"
    )
    proxied = make_test_app(f"sqlite:///{tmp_path}/p.sqlite3", TRUSTED_PROXIES=1).test_client()
    assert proxied.get("/healthz", headers=offered).headers["X-Request-ID"] == (
        "chosen-by-the-caller"
    )
    junk = {"X-Request-ID": "<script>" + "x" * 80}
    assert HEX_ID.fullmatch(proxied.get("/healthz", headers=junk).headers["X-Request-ID"])


def test_a_node_named_says_so_on_every_response_and_an_unnamed_one_says_nothing(app, tmp_path):
    assert "X-Certpath-Node" not in app.test_client().get("/healthz").headers
    named = make_test_app(f"sqlite:///{tmp_path}/n.sqlite3", NODE_ID="web-2").test_client()
    assert named.get("/healthz").headers["X-Certpath-Node"] == "web-2"
    assert named.get("/no-such-page").headers["X-Certpath-Node"] == "web-2"


def test_a_queued_message_keeps_the_id_of_what_queued_it(app_ctx):
    user = factories.user()

    def email(key: str) -> Email:
        return Email(key, user.email, "reset", "zh", {"user": user, "link": "http://x/y"})

    with request_ids.bound("job-plan_reminders-0123456789ab"):
        queue_email(
            dedup_key="k-1",
            recipient=user.email,
            template="reset",
            locale="zh",
            user=user,
            link="http://x/y",
        )
        queue_emails([email("k-2")])  # in a batch
    queue_emails([email("k-3")])
    db.session.flush()
    rows = db.session.execute(sa.select(OutboxMessage.dedup_key, OutboxMessage.request_id))
    kept = dict(rows.tuples().all())  # a Result has keys(): dict() would read it as a mapping
    job = "job-plan_reminders-0123456789ab"
    assert kept == {"k-1": job, "k-2": job, "k-3": None}


def test_metrics_answer_the_scraper_and_nobody_else(app):
    client = app.test_client()
    client.get("/healthz")
    scraped = client.get("/metrics")  # the test client comes from 127.0.0.1
    assert scraped.status_code == 200
    text = scraped.get_data(as_text=True)
    assert 'certpath_request_seconds_count{endpoint="main.healthz",method="GET",status="2xx"}' in (
        text
    )
    assert "certpath_outbox_oldest_waiting_seconds" in text
    outsider = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outsider).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-token-for-prometheus"
    bearer = {"Authorization": "Bearer s3cret-token-for-prometheus"}
    assert client.get("/metrics", environ_base=outsider, headers=bearer).status_code == 200
    wrong = {"Authorization": "Bearer guess"}
    assert client.get("/metrics", environ_base=outsider, headers=wrong).status_code == 404


def test_json_log_lines_carry_the_request_id():
    handler = logs.handler_for("json")
    stream = io.StringIO()
    handler.setStream(stream)
    logger = logging.getLogger("certpath.test-json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with request_ids.bound("abcdef0123456789"):
            logger.warning("mail %s failed", 7)
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["message"] == "mail 7 failed" and line["request_id"] == "abcdef0123456789"
    assert line["level"] == "WARNING" and line["logger"] == "certpath.test-json" and line["time"]
