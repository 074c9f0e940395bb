"""The loopback cluster of deploy/cluster.py for tests/nodes (``make test-nodes``): two app
nodes, a scheduler leader and its standby, nginx in front, PostgreSQL, Redis and an SMTP
server of the test's own."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from deploy.cluster import Cluster
from tests.conftest import S3_BUCKET, Mailbox, free_port

PUBLIC_RATE_LIMIT = 20


@pytest.fixture(scope="package")
def mailbox() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox()
    box.port = free_port()  # type: ignore[attr-defined]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)  # type: ignore[attr-defined]
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(scope="package")
def cluster(tmp_path_factory, mailbox, s3_endpoint) -> Iterator[Cluster]:
    """The recipe with its uploads in an S3 bucket (moto's server on loopback), as several
    nodes keep them."""
    running = Cluster(
        tmp_path_factory.mktemp("cluster"),
        smtp_port=mailbox.port,
        s3_endpoint=s3_endpoint,
        s3_bucket=S3_BUCKET,
        public_rate_limit=f"{PUBLIC_RATE_LIMIT} per minute",
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def node(self) -> str:
        return self.headers.get("x-certpath-node", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser through nginx: its cookies (the production app marks them Secure; the loopback
    test speaks plain HTTP, so the jar sends them anyway), no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        policy = http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        self.jar = http.cookiejar.CookieJar(policy)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Answer:
        request = urllib.request.Request(  # noqa: S310 - the cluster's http:// address
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, _lower(error.headers), error.read())

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def token(self, path: str) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_form(self, path: str, fields: dict[str, str], page: str | None = None) -> Answer:
        data = {"csrf_token": self.token(page or path), **fields}
        return self.request(
            "POST",
            path,
            urllib.parse.urlencode(data).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_file(self, path: str, page: str, fields: dict[str, str], name: str, content: bytes):
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {"csrf_token": self.token(page), **fields}.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            parts.append(f"{head}{value}\r\n".encode())
        quoted = urllib.parse.quote(name)
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f"filename=\"{quoted}\"; filename*=UTF-8''{quoted}\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


def _lower(headers) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


@pytest.fixture
def visitor(cluster: Cluster) -> Visitor:
    return Visitor(cluster.url)
