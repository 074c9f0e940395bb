"""Details a first-time visitor notices: the favicon, fields described only by help that
exists, file sizes, dates in English, the publicity period's end, regions in the reader's
language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import time_machine
from flask_babel import force_locale

from app.extensions import db
from models import ProjectStatus, PublicityBatch, PublicityEntry
from tests import factories


def test_the_favicon_is_served_and_linked(app):
    client = app.test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    icon.close()
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200
    svg.close()


def test_no_field_is_described_by_nothing(app):
    for path in ("/login", "/register", "/forgot-password"):
        page = app.test_client().get(path).get_data(as_text=True)
        assert 'aria-describedby="None"' not in page, path


def test_file_sizes_read_in_bytes_kilobytes_and_megabytes(app):
    size = app.jinja_env.filters["filesize"]
    with app.test_request_context("/?lang=en"), force_locale("en"):
        assert [size(n) for n in (0, 300, 1536, 20_000, 5 * 2**20 + 200_000)] == [
            "0 B",
            "300 B",
            "1.5 KB",
            "20 KB",
            "5.2 MB",
        ]


def test_english_dates_name_the_month_and_use_a_24_hour_clock(app):
    when = app.jinja_env.filters["date"]
    stored = datetime(2026, 11, 29, 15, 53)  # naive UTC, as stored
    local = stored.replace(tzinfo=UTC).astimezone(ZoneInfo(app.config["TIMEZONE"]))
    clock = local.strftime("%H:%M")
    with app.test_request_context("/"):
        with force_locale("en"):
            assert when(date(2026, 11, 29), "short") == "29 Nov 2026"
            assert when(stored, "short") == f"{local.day} Nov 2026, {clock}"
        with force_locale("zh"):
            assert when(stored, "short") == f"2026/11/{local.day} {clock}"


def _announced(app_ctx) -> PublicityEntry:
    parties = factories.Parties()
    parties.enterprise_org.region_code = "440305"
    project = factories.project(parties, ProjectStatus.IN_PUBLICITY)
    batch = PublicityBatch(
        title="批次",
        starts_on=date(2026, 9, 30),
        ends_on=date(2026, 10, 12),
        working_days=5,
        created_by_id=factories.alliance_staff().id,
    )
    entry = PublicityEntry(
        project_id=project.id,
        enterprise_name="企业",
        region_name="广东省 深圳市 南山区",
        region_code="440305",
        body_name="机构",
        scope="范围",
    )
    batch.entries.append(entry)
    db.session.add(batch)
    db.session.commit()
    return entry


def test_a_batch_says_when_its_period_has_ended_and_regions_follow_the_language(app, app_ctx):
    _announced(app_ctx)
    client = app.test_client()
    with time_machine.travel(datetime(2026, 10, 8, 9), tick=False):
        page = client.get("/publicity/").get_data(as_text=True)
        assert "可提出异议" in page and "已结束" not in page
        assert "广东省 深圳市 南山区" in page
    with time_machine.travel(datetime(2026, 10, 20, 9), tick=False):
        page = client.get("/publicity/").get_data(as_text=True)
        assert "已结束" in page and "不再受理异议" in page
        english = client.get("/publicity/?lang=en").get_data(as_text=True)
        assert "Guangdong Shenzhen Nanshan District" in english and "深圳" not in english
        assert "ended" in english
