"""Every Excel export opens in LibreOffice as well as in openpyxl: each ``.xlsx`` route of the
app, fetched as the first party of the scene that may download it, is converted by LibreOffice
Calc (headless, one run for all) to CSV, and the first sheet's header reads as openpyxl reads it.
An export LibreOffice cannot read produces no CSV."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from io import BytesIO

import openpyxl
import pytest
from flask import url_for

from app.extensions import db
from tests import factories
from tests.conftest import Browser
from tests.scene import GETS, PARTIES, build, email_links

SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Comma-separated, double-quoted, UTF-8 (76): LibreOffice's CSV filter options.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76"


# Exports this scene cannot produce, with the reason.
NOT_HERE = {
    # A roster import's error report exists only after an import: tests/functional/roster.
    "roster.errors",
}


def _header(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(BytesIO(data), read_only=True).worksheets[0]
    first = next(sheet.iter_rows(values_only=True), ())
    return ["" if v is None else str(v) for v in first]


# Skipped without LibreOffice outside CI only: in CI `make test` installs it, and its absence
# must fail the run.
@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="make test-tools installs libreoffice-calc-nogui",
)
def test_every_export_opens_in_libreoffice(app, app_ctx, tmp_path):
    scene = build(app)
    db.session.commit()
    browsers = []
    for person in PARTIES.values():
        browser = Browser(app.test_client())
        who = person(scene)
        if who is not None:
            assert browser.login(who.email, factories.PASSWORD).status_code == 302
        browsers.append(browser)
    scene.tokens = email_links(scene)
    endpoints = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.rule.endswith(".xlsx") and r.endpoint not in NOT_HERE
    }
    assert endpoints, "no export route found"
    fetched: dict[str, list[str]] = {}
    answered: set[str] = set()
    for endpoint in sorted(endpoints):
        for args in GETS[endpoint](scene):
            with app.test_request_context():
                url = url_for(endpoint, **args)
            for browser in browsers:
                response = browser.get(url)
                if response.status_code == 200 and response.mimetype == SPREADSHEET:
                    name = f"{len(fetched):03d}.xlsx"
                    (tmp_path / name).write_bytes(response.data)
                    fetched[name] = _header(response.data)
                    answered.add(endpoint)
                    break
    assert endpoints - answered == set(), "export routes that answered no party"
    profile = tmp_path / "profile"
    files = sorted(str(tmp_path / name) for name in fetched)
    converted = subprocess.run(
        [str(shutil.which("soffice")), f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", CSV_FILTER, "--outdir", str(tmp_path / "csv"), *files],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    for name, header in fetched.items():
        out = tmp_path / "csv" / name.replace(".xlsx", ".csv")
        assert out.is_file(), f"LibreOffice could not read {name}: {converted.stdout}"
        with out.open(encoding="utf-8", newline="") as handle:
            first = next(csv.reader(handle), [])
        assert [c for c in first if c] == [c for c in header if c], name
