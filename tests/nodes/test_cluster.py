"""The multi-node recipe, driven through nginx (issue 19): sessions, uploads and rate limits
shared by two nodes, and a scheduler that fails over without sending anything twice."""

from __future__ import annotations

import itertools
import re
import signal
import time
from datetime import UTC, datetime

import boto3
import psycopg
import pytest

from blueprints.demo.people import DEMO_PASSWORD
from deploy.cluster import Cluster
from tests.conftest import S3_BUCKET, S3_REGION
from tests.functional.projects.helpers import PDF
from tests.nodes.conftest import PUBLIC_RATE_LIMIT, Visitor

pytestmark = pytest.mark.slow
ENTERPRISE = "enterprise@demo.certpath.cn"


def sql(cluster: Cluster, statement: str, *params):
    with psycopg.connect(cluster.database_url) as connection:
        return connection.execute(statement, params).fetchall()


def until(condition, seconds: float = 30, step: float = 0.3):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def sign_in(visitor: Visitor, email: str) -> None:
    answer = visitor.post_form("/login", {"email": email, "password": DEMO_PASSWORD})
    assert answer.status == 302, answer.text[:500]


def test_a_signed_in_user_is_served_by_both_nodes_in_turn(visitor):
    sign_in(visitor, ENTERPRISE)
    answers = [visitor.get("/dashboard") for _ in range(6)]
    assert [a.status for a in answers] == [200] * 6
    nodes = [a.node for a in answers]
    assert set(nodes) == {"web-1", "web-2"}
    assert all(first != second for first, second in itertools.pairwise(nodes))
    # The proxy's request id reaches the app: the response repeats nginx's 32 hex digits.
    assert all(re.fullmatch(r"[0-9a-f]{32}", a.headers["x-request-id"]) for a in answers)


def test_nginx_serves_the_static_files_and_hides_the_metrics(visitor):
    css = visitor.get("/static/vendor/bootstrap/css/bootstrap.min.css")
    assert css.status == 200 and not css.node  # no app node involved
    assert css.headers["cache-control"] == "max-age=2592000"
    assert visitor.get("/metrics").status == 404
    ready = visitor.get("/readyz")
    assert ready.status == 200 and '"rate_limits":"ok"' in ready.text


def test_a_file_uploaded_through_one_node_downloads_through_the_other(cluster, visitor):
    sign_in(visitor, ENTERPRISE)
    projects = sql(
        cluster,
        "SELECT p.id FROM projects p JOIN users u ON u.organisation_id = p.organisation_id "
        "WHERE u.email = %s ORDER BY p.id",
        ENTERPRISE,
    )
    for (project_id,) in projects:
        page = visitor.get(f"/projects/{project_id}").text
        form = re.search(r'action="/projects/\d+/documents".*?</form>', page, re.S)
        if form:
            break
    else:
        pytest.fail("no demo project of the enterprise takes uploads")
    kinds = re.findall(r'<option[^>]*value="([a-z_]+)"', form.group(0))
    name = f"体系文件-{time.monotonic_ns()}.pdf"
    content = PDF + b"%" + str(time.monotonic_ns()).encode()
    uploaded = visitor.post_file(
        f"/projects/{project_id}/documents",
        f"/projects/{project_id}",
        {"kind": kinds[0], "consulting_step": ""},
        name,
        content,
    )
    assert uploaded.status == 302, uploaded.text[:2000]
    [(document_id,)] = sql(cluster, "SELECT id FROM documents WHERE original_name = %s", name)
    downloads = [visitor.get(f"/projects/{project_id}/documents/{document_id}") for _ in "12"]
    assert {d.node for d in downloads} == {"web-1", "web-2"}
    assert [d.body for d in downloads] == [content, content]
    # In the bucket the nodes share, not on a node's disk.
    [(stored_name,)] = sql(cluster, "SELECT stored_name FROM documents WHERE id = %s", document_id)
    bucket = boto3.client("s3", endpoint_url=cluster.s3_endpoint, region_name=S3_REGION)
    listed = bucket.list_objects_v2(Bucket=S3_BUCKET, Prefix=cluster.redis_prefix)
    assert stored_name in [o["Key"].rsplit("/", 1)[-1] for o in listed.get("Contents", [])]
    assert not list(cluster.uploads.rglob(stored_name))


def forget_password(visitor: Visitor, emails: list[str]) -> None:
    for email in emails:
        answer = visitor.post_form("/password/forgot", {"email": email})
        assert answer.status == 302, answer.text[:500]


def sent_and_waiting(cluster: Cluster) -> tuple[int, int]:
    [(sent, waiting)] = sql(
        cluster,
        "SELECT count(*) FILTER (WHERE status = 'sent'), "
        "count(*) FILTER (WHERE status IN ('pending', 'sending')) FROM outbox_messages",
    )
    return sent, waiting


def heartbeats(cluster: Cluster) -> dict[str, tuple[str, datetime]]:
    rows = sql(cluster, "SELECT job, host, last_finished_at FROM job_runs")
    return {job: (host, finished) for job, host, finished in rows}


def test_the_standby_takes_over_when_the_leader_dies_and_sends_each_message_once(
    cluster, visitor, mailbox
):
    # The leader (scheduler-a) runs every job every few seconds and sends the outbox.
    forget_password(visitor, ["consultant@demo.certpath.cn", "evaluator@demo.certpath.cn"])
    assert until(lambda: sent_and_waiting(cluster)[1] == 0 and sent_and_waiting(cluster)[0])
    before = heartbeats(cluster)
    assert before and {host.rsplit("/", 1)[1] for host, _ in before.values()} == {"sched-a"}
    assert until(lambda: len(mailbox.messages) >= sent_and_waiting(cluster)[0])

    killed_at = datetime.now(UTC).replace(tzinfo=None)
    cluster.kill("scheduler-a", signal.SIGKILL)  # the machine loses power: no clean unlock
    forget_password(visitor, ["alliance@demo.certpath.cn", "admin@demo.certpath.cn"])
    standby = cluster.processes["scheduler-b"]
    assert until(lambda: "scheduler: leader" in standby.output(), 20), standby.output()[-2000:]

    def taken_over() -> bool:
        rows = heartbeats(cluster)
        return bool(rows) and all(
            host.endswith("/sched-b") and finished > killed_at for host, finished in rows.values()
        )

    assert until(taken_over, 40), heartbeats(cluster)
    assert until(lambda: sent_and_waiting(cluster)[1] == 0, 30)
    # Another round of every job (reminders planned again, the outbox read again): nothing new.
    time.sleep(6)
    sent, waiting = sent_and_waiting(cluster)
    assert waiting == 0
    ids = [message["Message-ID"] for message in mailbox.messages]
    assert len(ids) == len(set(ids)) == sent
    for email in ("consultant", "evaluator", "alliance", "admin"):
        assert len(mailbox.to(f"{email}@demo.certpath.cn")) >= 1


def test_the_public_rate_limit_is_counted_across_both_nodes(visitor):
    answers = [visitor.get("/certificates/") for _ in range(PUBLIC_RATE_LIMIT + 4)]
    statuses = [a.status for a in answers]
    assert statuses == [200] * PUBLIC_RATE_LIMIT + [429] * 4
    assert {a.node for a in answers[:PUBLIC_RATE_LIMIT]} == {"web-1", "web-2"}
    assert {a.node for a in answers[PUBLIC_RATE_LIMIT:]} == {"web-1", "web-2"}
