"""The data map: each unit's figure is the progress table's and the statistics' own, the shapes
are the region's reporting units (a separately reported county drawn over its prefecture), and
an authority reads only its region."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from blueprints.campaigns import progress, services
from blueprints.statistics import boundaries
from models import AssessmentStatus as S
from models import Region
from tests import factories
from tests.functional.campaigns.province import FOSHAN, GUANGZHOU, PROVINCE, SHUNDE, build


@pytest.fixture
def gd(app_ctx):
    made = build()
    services.set_quotas(
        made.round1,
        made.province.organisation,
        {GUANGZHOU: (4, None), FOSHAN: (2, None), SHUNDE: (1, None)},
        made.province,
    )
    return made


def figures_of(html: str) -> dict:
    holder = BeautifulSoup(html, "html.parser").find(id="region-map")
    assert holder is not None, "no map on the page"
    return json.loads(holder["data-figures"])


def test_the_figures_are_the_progress_tables(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    page = browser.get(f"/statistics/map?region={PROVINCE}&campaign={gd.round1.id}")
    assert page.status_code == 200
    figures = figures_of(page.get_data(as_text=True))
    table = progress.table(gd.round1, db.session.get(Region, PROVINCE))
    completion = figures["values"]["completion"]
    participation = figures["values"]["participation"]
    for row in table.rows:
        if row.unit.direct:
            continue
        expected = round(row.completed * 100 / row.quota, 1) if row.quota else None
        assert completion[row.unit.code] == expected, row.unit.code
        taken = round(row.participated * 100 / row.quota, 1) if row.quota else None
        assert participation[row.unit.code] == taken
    # 顺德 is its own unit (1 of 1 completed) and Foshan is counted without it (1 of 2).
    assert completion[SHUNDE] == 100.0
    assert completion[FOSHAN] == 50.0
    assert completion[GUANGZHOU] == 25.0
    assert figures["metric"] == "completion"
    # A click opens the prefecture's map; the separate county has no level below.
    assert f"region={GUANGZHOU}" in figures["drill"][GUANGZHOU]
    assert SHUNDE not in figures["drill"]
    # The table beside the map lists the same figure.
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    cell = soup.select_one(f'tr[data-unit="{FOSHAN}"] td[data-metric="completion"]')
    assert cell is not None and cell.get_text(strip=True) == "50.0%"


def test_without_a_campaign_the_map_shows_the_statistics(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    page = browser.get(f"/statistics/map?region={PROVINCE}&campaign=none&metric=completion")
    figures = figures_of(page.get_data(as_text=True))
    keys = [m["key"] for m in figures["metrics"]]
    assert "completion" not in keys and "participation" not in keys
    assert figures["metric"] == "mean"  # an unknown or unavailable metric falls back
    assert {"mean", "certificates"} <= set(keys)
    assert sum(k.startswith("stage:") for k in keys) == 4


def test_the_shapes_are_the_regions_units(gd, browser):
    browser.login(gd.province.email, factories.PASSWORD)
    response = browser.get(f"/statistics/map/{PROVINCE}.json")
    assert response.status_code == 200
    features = response.get_json()["features"]
    codes = [f["properties"]["code"] for f in features]
    prefectures = db.session.scalars(
        db.select(Region.code).where(Region.parent_code == PROVINCE)
    ).all()
    # Every prefecture of Guangdong is drawn, and 顺德 after Foshan (painted over it).
    assert set(prefectures) <= set(codes)
    assert codes.index(SHUNDE) > codes.index(FOSHAN)
    assert PROVINCE not in codes  # the province's own level is a row, not a shape
    for feature in features:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        lon, lat = _first_point(feature["geometry"])
        assert 109 < lon < 118 and 20 < lat < 26  # Guangdong
    # The browser revalidates instead of downloading the shapes again.
    again = browser.get(
        f"/statistics/map/{PROVINCE}.json", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_an_authority_reads_only_its_region(gd, browser):
    browser.login(gd.guangzhou.email, factories.PASSWORD)
    assert browser.get(f"/statistics/map/{PROVINCE}.json").status_code == 404
    assert browser.get(f"/statistics/map/{FOSHAN}.json").status_code == 404
    assert browser.get("/statistics/map/000000.json").status_code == 404
    assert browser.get(f"/statistics/map/{GUANGZHOU}.json").status_code == 200
    # Asked for the province, the page falls back to the authority's own city.
    page = browser.get(f"/statistics/map?region={PROVINCE}")
    figures = figures_of(page.get_data(as_text=True))
    assert figures["boundaries"].endswith(f"/{GUANGZHOU}.json")
    assert all(re.fullmatch(r"4401\d\d", code) for code in figures["values"]["mean"])


def test_every_province_has_its_shape_and_the_sea_line_is_drawn_nationally(app_ctx):
    provinces = db.session.scalars(
        db.select(Region.code).where(Region.parent_code.is_(None)).order_by(Region.code)
    ).all()
    assert len(provinces) >= 31
    national = boundaries.collection([(code, code) for code in provinces], national=True)
    codes = [f["properties"]["code"] for f in national["features"]]
    assert codes == [*provinces, boundaries.SEA]  # and the maritime line (南海诸岛)
    # Hong Kong and Macao are drawn too (the source files them under their own ISO codes).
    assert all(boundaries.collection([(c, c)])["features"] for c in ("810000", "820000"))


def _first_point(geometry: dict) -> list[float]:
    rings = geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        rings = rings[0]
    return rings[0][0]


def test_the_page_runs_the_same_queries_whatever_the_units_hold(gd, browser, count_queries):
    browser.login(gd.province.email, factories.PASSWORD)
    url = f"/statistics/map?region={PROVINCE}&campaign={gd.round1.id}"
    browser.get(url)
    with count_queries() as few:
        assert browser.get(url).status_code == 200
    for n in range(12):
        region = ("440305", "440106", "440604", SHUNDE)[n % 4]
        factories.assessment(
            factories.organisation(region=region), status=S.APPROVED, campaign=gd.round1
        )
    with count_queries() as many:
        assert browser.get(url).status_code == 200
    assert many.count == few.count, many.statements
    assert many.count <= 20, many.statements
