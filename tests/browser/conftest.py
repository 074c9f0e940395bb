"""The browser suite: the app as a real server process, Debian's Chromium driven by Playwright.

Outside CI a machine without Chromium skips these tests with one line saying how to enable
them; in CI (CI=true) a missing browser fails the run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.backends import BACKENDS
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
def live_server(browser_url, smtp, tmp_path_factory) -> Iterator[dict]:
    chromium()
    app = make_test_app(browser_url)
    migrate_and_seed(app)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = tmp_path_factory.mktemp("server")
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
        "CERTPATH_UPLOAD_FOLDER": str(workdir / "uploads"),
        # The app's clock, moved by travel() below (a testing-only setting).
        "CERTPATH_TEST_CLOCK_FILE": str(workdir / "clock"),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "demo", "load"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log = (workdir / "server.log").open("wb")  # its tracebacks go into failure reports
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
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
    yield {
        "base": base,
        "env": env,
        "clock": workdir / "clock",
        "log": workdir / "server.log",
        "errors": [],  # server errors seen by the browser during the current test
    }
    server.terminate()
    server.wait(timeout=10)
    log.close()
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


def flask_command(live_server, *args: str) -> str:
    """A command of the app as its own process, on the server's database and clock."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=live_server["env"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def dispatch(live_server) -> None:
    """What the scheduler does every minute, until the outbox is empty: send the messages
    due, 50 a run (a real process, real SMTP). The demo data alone queues more than 50."""
    while not flask_command(live_server, "outbox", "dispatch").startswith("sent 0,"):
        pass


def travel(live_server, days: int) -> None:
    """Move the server's clock ``days`` past the real today (the file is read on every call)."""
    live_server["clock"].write_text(str(days), encoding="ascii")


def travel_to(live_server, day: date) -> None:
    """Move the server's clock so that its today is ``day``."""
    travel(live_server, (day - datetime.now(UTC).date()).days)


def server_today(live_server) -> date:
    """The server's business date (UTC in the suite) with the clock's offset."""
    clock = live_server["clock"]
    days = float(clock.read_text(encoding="ascii")) if clock.exists() else 0
    return (datetime.now(UTC) + timedelta(days=days)).date()


@pytest.fixture(scope="session")
def playwright_browser():
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(playwright_browser, live_server, locale: str = "zh-CN"):
    """A browser profile of its own; every server error it receives is noted for the test."""
    context = playwright_browser.new_context(
        locale=locale, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15000)
    context.on(
        "response",
        lambda r: (
            r.status >= 500
            and live_server["errors"].append(f"{r.status} {r.request.method} {r.url}")
        ),
    )
    return context


@pytest.fixture(autouse=True)
def _no_server_errors(request):
    """A 5xx answer fails the browser test that received it, whatever the page showed."""
    if "live_server" not in request.fixturenames:
        yield
        return
    errors = request.getfixturevalue("live_server")["errors"]
    errors.clear()
    yield
    if not getattr(request.node, "failed_call", False):  # else the report already shows them
        assert not errors, f"the server answered with errors: {errors}"


@pytest.fixture
def page(playwright_browser, live_server):
    context = new_context(playwright_browser, live_server)
    page = context.new_page()
    yield page
    context.close()


DEMO_PASSWORD = "Certpath-Demo-2026"


def sign_in(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r".*/dashboard$"))


@pytest.fixture
def person(playwright_browser, live_server):
    """``person(email)``: a signed-in page of one's own (a separate browser context)."""
    contexts = []

    def open_as(email: str, password: str = DEMO_PASSWORD, locale: str = "zh-CN"):
        context = new_context(playwright_browser, live_server, locale)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server["base"], email, password)
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_accessibility(page) -> None:
    """Every page: a language, a title, a label for every field a person fills in, and every
    control reachable by keyboard."""
    assert page.locator("html").get_attribute("lang"), page.url
    assert page.title().strip(), page.url
    unlabeled = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]):not([type=submit]), select, textarea')].filter(el =>
        !(el.id && document.querySelector(`label[for="${el.id}"]`)) &&
        !el.closest('label') && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert not unlabeled, (page.url, unlabeled)
    # A label's "for" must point at one field only: an id used twice labels the wrong one.
    repeated = page.evaluate("""() => { const ids = [...document.querySelectorAll(
        'input:not([type=hidden]), select, textarea')].map(el => el.id).filter(Boolean);
        return ids.filter((id, i) => ids.indexOf(id) !== i); }""")
    assert not repeated, (page.url, repeated)
    # Keyboard: no visible control is taken out of the tab order, and nothing that is not a
    # control (a div, a span) is made clickable.
    unreachable = page.evaluate("""() => [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary, [onclick]')]
        .filter(el => el.offsetParent !== null && (el.tabIndex < 0 ||
            (el.hasAttribute('onclick') && !el.matches('a, button, input, select, textarea'))))
        .map(el => el.outerHTML.slice(0, 120))""")
    assert not unreachable, (page.url, unreachable)


# A journey is a story: once a step fails, the later steps of the same story (on the same
# database) are skipped with the step that broke it, instead of failing for the same cause.
_broken: dict[tuple, str] = {}


def _story(item) -> tuple:
    params = getattr(item, "callspec", None)
    return item.module.__name__, params.params.get("browser_url") if params else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" and call.excinfo is not None:
        item.failed_call = True
        if item.get_closest_marker("journey"):
            _broken.setdefault(_story(item), item.name)
    if report.failed and "live_server" in item.fixturenames:
        server = item.funcargs.get("live_server") or {}
        if server.get("errors"):
            report.sections.append(("server errors", "\n".join(server["errors"])))
        if server.get("log") and server["log"].exists():
            tail = server["log"].read_text(errors="replace").splitlines()[-60:]
            report.sections.append(("server log (last 60 lines)", "\n".join(tail)))
    return report


JOURNEY_MODULE = "tests.browser.test_certification_path"


def pytest_collection_modifyitems(items):
    """The journey moves the server's clock by a year and runs the scheduler's jobs: on each
    database, the tests that read the demo data as loaded run before it. Only the browser
    tests are reordered, among their own places in the run."""
    places = [i for i, item in enumerate(items) if item.nodeid.startswith("tests/browser/")]

    def order(item) -> tuple[int, bool]:
        params = getattr(item, "callspec", None)
        backend = params.params.get("browser_url") if params else None
        rank = BACKENDS.index(backend) if backend in BACKENDS else -1
        return rank, item.module.__name__ == JOURNEY_MODULE

    for place, item in zip(places, sorted((items[i] for i in places), key=order), strict=True):
        items[place] = item


def pytest_runtest_setup(item):
    if item.get_closest_marker("journey") and _story(item) in _broken:
        pytest.skip(f"the journey broke at {_broken[_story(item)]}")


def pytest_runtest_logreport(report):
    if report.when == "call" and report.nodeid.startswith("tests/browser/"):
        _ran.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _ran:
        terminalreporter.write_line(f"browser tests run: {len(_ran)}")
