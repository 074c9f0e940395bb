"""The browser suite: the app as a real server process, Debian's Chromium driven by Playwright.

Outside CI a machine without Chromium skips these tests with one line saying how to enable
them; in CI (CI=true) a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_SECRET, free_port, make_test_app, migrate_and_seed

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_ran: list[str] = []


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
    pytest.skip("browser tests need Chromium: apt-get install chromium (Debian) to run them")


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def browser_url(request, tmp_path_factory) -> Iterator[str]:
    """A fresh database for the server: SQLite, and PostgreSQL too when TEST_DATABASE_URL is
    set (a database of its own, dropped afterwards)."""
    admin = None
    if request.param == "postgresql":
        name = f"certpath_browser_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(
            os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.sqlite3'}"
    yield url
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def live_server(browser_url, smtp) -> Iterator[dict]:
    chromium()
    app = make_test_app(browser_url)
    migrate_and_seed(app)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": browser_url,
        "SECRET_KEY": TEST_SECRET,
        "CERTPATH_ENV": "testing",
        "CERTPATH_BASE_URL": base,
        "CERTPATH_MAIL_SERVER": "127.0.0.1",
        "CERTPATH_MAIL_PORT": str(smtp["port"]),
        "CERTPATH_TIMEZONE": "UTC",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "demo", "load"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("the app server did not start")
    yield {"base": base, "env": env}
    server.terminate()
    server.wait(timeout=10)
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def smtp() -> Iterator[dict]:
    from aiosmtpd.controller import Controller

    from tests.conftest import Mailbox

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield {"port": port, "mailbox": mailbox}
    controller.stop()


@pytest.fixture
def mailbox(smtp):
    return smtp["mailbox"]


def dispatch(live_server) -> None:
    """What the scheduler does every minute: send the outbox (a real process, real SMTP)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "outbox", "dispatch"],
        cwd=ROOT,
        env=live_server["env"],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def playwright_browser():
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(playwright_browser, live_server, request):
    context = playwright_browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    _ran.append(request.node.name)
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_accessibility(page) -> None:
    """Every page: a language, a title, and a label for every field a person fills in."""
    assert page.locator("html").get_attribute("lang"), page.url
    assert page.title().strip(), page.url
    unlabeled = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]):not([type=submit]), select, textarea')].filter(el =>
        !(el.id && document.querySelector(`label[for="${el.id}"]`)) &&
        !el.closest('label') && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert not unlabeled, (page.url, unlabeled)


def pytest_terminal_summary(terminalreporter):
    if _ran:
        terminalreporter.write_line(f"browser tests run: {len(_ran)}")
