"""An enterprise's SME digital level (seed 004, tables 6-8): it records an evaluation under its
pledge, sees the grade and what the next one lacks; a bad value comes back beside its field
with the input kept and nothing written; nobody else reads its evaluations."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from blueprints.diagnosis import sme_level
from models import OrgKind, Role, SmeLevelEvaluation
from tests import factories

TABLE = sme_level.table()
NEW = "/diagnosis/sme-level/new"


def evaluation(total: float = 45, at_level: int = 2, constrained: int = 3, guiding: int = 3):
    """Form data: ``total`` points over the indicators, ``constrained`` constrained and
    ``guiding`` guiding scenarios at ``at_level``, the others not reached."""
    indicators = [i.key for i in TABLE.indicators]
    data = {f"points_{key}": "0" for key in indicators}
    data[f"points_{indicators[0]}"] = f"{total:g}"
    chosen = [s.key for s in TABLE.scenarios if s.constrained][:constrained] + [
        s.key for s in TABLE.scenarios if not s.constrained
    ][:guiding]
    data |= {f"level_{s.key}": str(at_level if s.key in chosen else 0) for s in TABLE.scenarios}
    return {**data, "pledge": "y"}


def stored() -> list[SmeLevelEvaluation]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SmeLevelEvaluation)))


@pytest.fixture
def enterprise_user(app_ctx):
    return factories.user(factories.organisation(OrgKind.ENTERPRISE, region="220102"))


@pytest.fixture
def signed_in(browser, enterprise_user):
    browser.login(enterprise_user.email, factories.PASSWORD)
    return browser


def test_an_enterprise_records_an_evaluation_and_sees_its_grade(signed_in, enterprise_user):
    assert "暂无评测" in signed_in.get("/diagnosis/sme-level").text
    response = signed_in.submit(NEW, evaluation(45, at_level=2, constrained=3, guiding=3))
    assert response.status_code == 302
    (recorded,) = stored()
    assert (recorded.total_points, recorded.grade_level) == (45, 2)
    assert recorded.organisation_id == enterprise_user.organisation_id
    assert recorded.pledged_at is not None
    page = signed_in.get(response.headers["Location"]).text
    assert "二级（规范级）" in page
    assert "三级（集成级）" in page  # what the next grade lacks
    assert "产品设计 *" in page  # a constrained scenario, marked
    listing = signed_in.get("/diagnosis/sme-level").text
    assert "二级（规范级）" in listing and "45" in listing


def test_an_evaluation_downloads_as_tables_6_7_and_8_in_excel_and_pdf(signed_in):
    response = signed_in.submit(NEW, evaluation(45, at_level=2, constrained=3, guiding=3))
    page = response.headers["Location"]
    workbook = signed_in.get(f"{page}.xlsx")
    assert workbook.status_code == 200
    assert workbook.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(workbook.data), read_only=True)
    assert book.sheetnames == ["表6", "表7", "表8"]
    grades = [row for row in book["表6"].iter_rows(values_only=True) if row[0]]
    assert any(row[0] == "二级（规范级）" and row[-1] == "是" for row in grades)
    assert any(row[0] == "三级（集成级）" and row[-1] == "否" for row in grades)
    points = list(book["表7"].iter_rows(values_only=True))
    assert ("数字化基础", "设备系统", 45) in points
    scenarios = list(book["表8"].iter_rows(values_only=True))
    assert ("产品生命周期数字化", "产品设计", "是", "2级") in scenarios
    pdf = signed_in.get(f"{page}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "二级（规范级）" in text and "设备系统" in text and "产品设计" in text


def test_the_new_form_starts_from_the_latest_evaluation(signed_in):
    signed_in.submit(NEW, evaluation(61.5, at_level=3, constrained=5, guiding=3))
    form = signed_in.get(NEW).text
    assert 'value="61.5' in form  # the points as last recorded
    assert re.search(r'<option (selected value="3"|value="3" selected)', form)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"points_equipment_systems": "-1"}, "points_equipment_systems", "0"),
        ({"points_equipment_systems": "NaN"}, "points_equipment_systems", ""),
        ({"points_equipment_systems": "abc"}, "points_equipment_systems", ""),
        ({"points_equipment_systems": ""}, "points_equipment_systems", "请填写该指标的得分"),
        ({"level_product_design": "5"}, "level_product_design", ""),  # a forged level
        ({"level_product_design": ""}, "level_product_design", ""),
        ({"pledge": ""}, "pledge", "请勾选承诺"),
    ],
)
def test_a_bad_value_comes_back_beside_its_field(signed_in, change, field, message):
    data = {**evaluation(45), **change}
    if change.get("pledge") == "":
        del data["pledge"]
    response = signed_in.submit(NEW, data)
    assert response.status_code == 422
    html = response.text
    (element,) = re.findall(rf'<(?:input|select)[^>]*\bid="{field}"[^>]*>', html)
    assert "is-invalid" in element  # the error is beside the field
    assert message in html
    assert 'value="45"' in html or field == "points_equipment_systems"  # the input is kept
    assert stored() == []


def test_points_above_the_table_total_are_refused(signed_in):
    data = {**evaluation(60), "points_data_collection": "50"}  # 110 of 100
    response = signed_in.submit(NEW, data)
    assert response.status_code == 422
    assert "超过" in response.text and stored() == []


def test_another_organisations_evaluation_is_not_found(signed_in, app_ctx):
    other = factories.user(factories.organisation(OrgKind.ENTERPRISE, region="220102"))
    theirs = SmeLevelEvaluation(
        organisation_id=other.organisation_id,
        number=1,
        table_key="sme_level_2024",
        kind="self",
        points={i.key: 0 for i in TABLE.indicators},
        levels={s.key: 0 for s in TABLE.scenarios},
        total_points=0,
        grade_level=0,
        pledged_at=other.created_at,
        created_by_id=other.id,
    )
    db.session.add(theirs)
    db.session.commit()
    assert signed_in.get(f"/diagnosis/sme-level/{theirs.id}").status_code == 404
    assert signed_in.get(f"/diagnosis/sme-level/{theirs.id}.xlsx").status_code == 404
    assert signed_in.get(f"/diagnosis/sme-level/{theirs.id}.pdf").status_code == 404
    assert signed_in.get("/diagnosis/sme-level/999999999").status_code == 404


@pytest.mark.parametrize(
    ("kind", "role"),
    [(OrgKind.AUTHORITY, Role.AUTHORITY), (OrgKind.EVALUATION_BODY, Role.EVALUATOR)],
)
def test_only_enterprises_evaluate_themselves(browser, app_ctx, kind, role):
    user = factories.user(factories.organisation(kind, region="220102"), role=role)
    browser.login(user.email, factories.PASSWORD)
    assert browser.get("/diagnosis/sme-level").status_code == 403
    assert browser.get(NEW).status_code == 403


def test_the_page_costs_the_same_with_many_evaluations(signed_in, count_queries):
    def cost() -> int:
        with count_queries() as counter:
            assert signed_in.get("/diagnosis/sme-level").status_code == 200
        return counter.count

    signed_in.submit(NEW, evaluation(30, at_level=1))
    few = cost()
    for _ in range(12):
        signed_in.submit(NEW, evaluation(30, at_level=1))
    assert cost() == few


def test_a_form_made_before_another_evaluation_is_refused(signed_in):
    """A double click or a second tab: the form carries the number of the latest evaluation
    it was made after; once another is recorded, the same form records nothing."""
    page = signed_in.get(NEW).text
    assert 'name="after_number" type="hidden" value="0"' in page
    assert signed_in.submit(NEW, {**evaluation(), "after_number": "0"}).status_code == 302
    again = signed_in.submit(NEW, {**evaluation(), "after_number": "0"})
    assert again.status_code == 409 and "另一次评测" in again.text
    assert [e.number for e in stored()] == [1]
    assert 'value="1"' in signed_in.get(NEW).text
    assert signed_in.submit(NEW, {**evaluation(), "after_number": "1"}).status_code == 302
    assert sorted(e.number for e in stored()) == [1, 2]
