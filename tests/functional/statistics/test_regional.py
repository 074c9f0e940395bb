"""The regional statistics equal a reference computed in Python from the same enterprises'
answers: stage shares, dimension means and quartiles, the 24 indicators (a rate as the mean of
the enterprises' rates, a share indicator as the share answering yes), per unit and per year."""

from __future__ import annotations

import io
import statistics as py
from datetime import date, timedelta

import openpyxl
import pytest
import yaml

from app.extensions import db
from blueprints.assessment import scoring
from blueprints.assessment import services as assessments
from blueprints.assessment.questionnaire import questionnaire_for
from blueprints.demo.assessments import sample_answers
from blueprints.statistics import development_index, services, snapshots, tasks
from models import (
    TOTAL_KEY,
    Assessment,
    AssessmentStatus,
    OrgKind,
    Region,
    RosterEnterprise,
    StatisticsSnapshot,
)
from tests import factories

GUANGDONG, GUANGZHOU, FOSHAN = "440000", "440100", "440600"
YEAR = date.today().year  # the app's today in tests (conftest: the machine's zone)


def _assessment(region: str, industry: str, level: float, seed: int, *, year=YEAR, submit=True):
    org = factories.organisation(region=region, industry_code=industry)
    user = factories.user(org)
    section = org.industry.section_code if org.industry else None
    questionnaire = questionnaire_for(org.industry_code, section, year)
    item = Assessment(
        organisation=org,
        year=year,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        answers=sample_answers(questionnaire, level, seed=seed),
        region_code=region,
        industry_code=industry,
    )
    db.session.add(item)
    db.session.flush()
    if submit:
        assessments.perform(item, "submit", user)
    return item


@pytest.fixture
def generated(app_ctx):
    """Thirty enterprises of Guangdong in two cities and two industries at every maturity;
    around them what must not count: drafts, a return, last year's, another province."""
    counted = []
    regions = ["440106", "440104", "440604", "440606", "440305"]
    for n in range(30):
        industry = "34" if n % 3 else "26"  # 通用设备 / 化学原料
        item = _assessment(regions[n % len(regions)], industry, 0.05 + n * 0.031, seed=n)
        counted.append(item)
    returned = _assessment("440106", "34", 0.9, seed=99)
    returned.status = AssessmentStatus.RETURNED
    _assessment("440106", "34", 0.5, seed=98, submit=False)
    _assessment("440106", "34", 0.5, seed=97, year=YEAR - 1)
    _assessment("310115", "34", 0.5, seed=96)
    db.session.flush()
    return counted


def reference(items: list[Assessment]) -> dict:
    stages: dict[str, int] = {}
    scores: dict[str, list[float]] = {}
    indicators: dict[str, list[float]] = {}
    for item in items:
        questionnaire = assessments.questionnaire_of(item)
        result = scoring.score(questionnaire, item.answers)
        stages[result.stage] = stages.get(result.stage, 0) + 1
        for key, value in {**result.dimensions, TOTAL_KEY: result.total}.items():
            scores.setdefault(key, []).append(value)
        for key, value in scoring.indicators(questionnaire, item.answers).items():
            if value is not None:
                indicators.setdefault(key, []).append(value)
    return {"n": len(items), "stages": stages, "scores": scores, "indicators": indicators}


def check(scope: services.Scope, items: list[Assessment]) -> None:
    expected = reference(items)
    assessed, stages = services.stages(scope)
    assert assessed == expected["n"]
    for stage in stages:
        assert stage.count == expected["stages"].get(stage.key, 0), stage.key
        assert stage.share == pytest.approx(stage.count / assessed)
    for dimension in services.dimensions(scope):
        values = expected["scores"][dimension.key]
        assert dimension.count == len(values)
        assert dimension.mean == pytest.approx(py.fmean(values), abs=0.01)
        quartiles = py.quantiles(values, n=4, method="inclusive")
        assert dimension.quartiles == pytest.approx(quartiles, abs=0.01), dimension.key
    for indicator in services.indicators(scope):
        values = expected["indicators"].get(indicator.key, [])
        assert indicator.count == len(values), indicator.key
        if indicator.kind == "share":
            share_yes = 100 * sum(1 for v in values if v == 100.0) / len(values)
            assert indicator.value == pytest.approx(share_yes, abs=0.05), indicator.key
        else:
            assert indicator.value == pytest.approx(py.fmean(values), abs=0.05), indicator.key


def test_the_province_equals_the_reference(generated):
    check(services.Scope(db.session.get(Region, GUANGDONG), YEAR), generated)


def test_a_city_and_an_industry_equal_the_reference(generated):
    foshan = [a for a in generated if a.region_code.startswith("4406")]
    check(services.Scope(db.session.get(Region, FOSHAN), YEAR), foshan)
    chemicals = [a for a in generated if a.industry_code == "26"]
    check(services.Scope(db.session.get(Region, GUANGDONG), YEAR, "26"), chemicals)
    # Both divisions lie in section C (manufacturing).
    check(services.Scope(db.session.get(Region, GUANGDONG), YEAR, "C"), generated)


def test_units_and_years(generated):
    rows = {
        u.code: u for u in services.units(services.Scope(db.session.get(Region, GUANGDONG), YEAR))
    }
    guangzhou = [a for a in generated if a.region_code.startswith("4401")]
    assert rows[GUANGZHOU].count == len(guangzhou)
    assert rows[GUANGZHOU].mean_total == pytest.approx(
        py.fmean(a.total for a in guangzhou), abs=0.05
    )
    assert sum(rows[GUANGZHOU].stages.values()) == pytest.approx(1.0)
    assert sum(u.count for u in rows.values()) == len(generated)
    years = services.trend(services.Scope(db.session.get(Region, GUANGDONG), YEAR))
    assert [(year, count) for year, count, _mean in years] == [(YEAR - 1, 1), (YEAR, 30)]


def test_the_page_and_the_excel(generated, browser):
    province = factories.user(factories.organisation(OrgKind.AUTHORITY, region=GUANGDONG))
    browser.login(province.email, factories.PASSWORD)
    page = browser.get("/statistics/").get_data(as_text=True)
    assert 'data-unit="440100"' in page and "30" in page
    assert browser.get("/statistics/?region=440600&industry=34&year=x").status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(browser.get("/statistics/export.xlsx").data))
    stages = list(workbook.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert sum(row[1] for row in stages) == 30
    # Another region is out of reach: the authority's own is shown instead.
    elsewhere = browser.get("/statistics/?region=310000").get_data(as_text=True)
    assert 'data-unit="440100"' in elsewhere
    browser.logout()
    enterprise = factories.user(generated[0].organisation)
    browser.login(enterprise.email, factories.PASSWORD)
    assert browser.get("/statistics/").status_code == 403


def test_the_development_index_follows_its_data_file(generated):
    """A unit's index from its roster, certificates, mean and stages, by the file's weights."""
    guangzhou = [a for a in generated if a.region_code.startswith("4401")]
    for n in range(len(guangzhou) * 2):  # the roster: twice the enterprises assessed
        db.session.add(
            RosterEnterprise(
                credit_code=factories.credit_code("440106"),
                name=f"名录{n}",
                region_code="440106",
                imported_by_id=guangzhou[0].organisation_id,
            )
        )
    holder = factories.Parties()
    holder.enterprise_org.region_code = "440106"
    certificate = factories.certificate(holder)
    certificate.region_code = "440106"
    db.session.flush()
    province = services.Scope(db.session.get(Region, GUANGDONG), YEAR)
    row = {u.code: u for u in services.units(province)}[GUANGZHOU]
    assert (row.roster, row.certificates) == (2 * len(guangzhou), 1)
    weights = yaml.safe_load(development_index.DEFINITION.read_text(encoding="utf-8"))["weights"]
    upper = {"integration", "innovation"}
    mean = py.fmean(a.total for a in guangzhou)
    parts = {
        "participation": 50.0,
        "level": round(mean, 1),
        "advanced": 100 * sum(a.stage in upper for a in guangzhou) / len(guangzhou),
        "certified": 100 / len(guangzhou),
    }
    expected = sum(weights[k] * v for k, v in parts.items()) / sum(weights.values())
    assert row.index == pytest.approx(expected, abs=0.06)
    # A unit nobody assessed in has no index.
    assert {u.code: u for u in services.units(province)}["440200"].index is None


def test_the_province_read_from_its_snapshot_equals_the_live_figures(generated, app, browser):
    """The scheduler's snapshot gives the province the same figures as computing them; the
    page says as of when; a stale snapshot is not used; narrower scopes are never kept."""
    province = services.Scope(db.session.get(Region, GUANGDONG), YEAR)
    live = snapshots.figures(province)
    assert live.as_of is None
    assert tasks.refresh_statistics().startswith("statistics snapshots refreshed: ")
    kept = snapshots.figures(province)
    assert kept.as_of is not None
    assert (kept.assessed, kept.stages, kept.dimensions) == (
        live.assessed,
        live.stages,
        live.dimensions,
    )
    assert (kept.indicators, kept.units, kept.trend) == (live.indicators, live.units, live.trend)
    assert snapshots.kept(services.Scope(db.session.get(Region, GUANGZHOU), YEAR))
    assert not snapshots.kept(services.Scope(db.session.get(Region, "440106"), YEAR))
    assert not snapshots.kept(services.Scope(province.region, YEAR, "34"))
    # What was submitted after the refresh waits for the next one, and the page says so.
    _assessment("440106", "34", 0.7, seed=55)
    assert snapshots.figures(province).assessed == live.assessed
    authority = factories.user(factories.organisation(OrgKind.AUTHORITY, region=GUANGDONG))
    browser.login(authority.email, factories.PASSWORD)
    page = browser.get(f"/statistics/?region={GUANGDONG}&year={YEAR}").get_data(as_text=True)
    assert 'id="as-of"' in page
    # A snapshot the scheduler has not refreshed for too long is not trusted.
    limit = app.config["STATISTICS_SNAPSHOT_MAX_AGE_MINUTES"]
    snapshot = db.session.get(StatisticsSnapshot, f"{YEAR}:{GUANGDONG}")
    snapshot.computed_at -= timedelta(minutes=limit + 1)
    fresh = snapshots.figures(province)
    assert fresh.as_of is None and fresh.assessed == live.assessed + 1
