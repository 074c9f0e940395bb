"""The sign-in throttle is shared by every process, because its counts live in the database."""

import subprocess
import sys
import textwrap

from tests.conftest import make_test_app, migrate_and_seed

SCRIPT = textwrap.dedent("""
    import sys
    from tests.conftest import make_test_app
    from tests.conftest import Browser
    app = make_test_app(sys.argv[1])
    browser = Browser(app.test_client())
    for _ in range(int(sys.argv[3])):
        browser.login(sys.argv[2], "wrong-password")
""")


def test_failures_in_other_processes_count(tmp_path):
    url = f"sqlite:///{tmp_path}/shared.sqlite3"
    app = make_test_app(url)
    migrate_and_seed(app)
    from app.extensions import db
    from tests import factories

    with app.app_context():
        user = factories.user()
        email = user.email
        db.session.commit()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    # Two separate worker processes each fail a few times...
    for count in (limit - 2, 2):
        subprocess.run(
            [sys.executable, "-c", SCRIPT, url, email, str(count)],
            check=True,
            cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
        )
    # ...and a third process refuses even the right password.
    from tests.conftest import Browser

    fresh = make_test_app(url)
    page = Browser(fresh.test_client()).login(email, factories.PASSWORD)
    assert "尝试次数过多" in page.get_data(as_text=True)
