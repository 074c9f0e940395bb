"""The programme's forms (seed 002 4.2-4.4.3): the enterprise's application carries its
self-assessment report; the plan covers every phase and the advance notice is sent before the
team goes on site; the information-collection record and the document-review ledger are
there before the report. Each form is filled only by its party while it is open, a bad row
comes back beside its field, and the other parties hear of what was filed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import yaml
from pypdf import PdfReader

from app import uploads
from app.extensions import db
from blueprints.demo.engagements import fill_forms
from blueprints.diagnosis import programmes
from blueprints.diagnosis.programmes import ProgrammeError
from blueprints.engagements import paperwork
from models import (
    AssessmentStatus,
    DiagnosisEngagement,
    DiagnosisFile,
    DiagnosisFormEntry,
    EngagementStatus,
    Notification,
)
from tests import factories
from tests.functional.engagements.helpers import sign_in_as
from tests.functional.engagements.test_engagements import _agreed, add, start
from tests.functional.engagements.test_record import on_site

TODAY = date.today()
S = EngagementStatus


def _ready_but_forms(browser, people) -> int:
    """An Inner Mongolia engagement, agreed, with a full work group."""
    engagement_id = _agreed(browser, people, "nmg_offline")
    add(browser, engagement_id, "郑专家", title="senior", lead=True, expert=True)
    add(browser, engagement_id, "冯工")
    add(browser, engagement_id, "王工")
    return engagement_id


APPLICATION = {
    "value_contact": "李明",
    "value_contact_position": "信息化部部长",
    "value_phone": "0472-5123456",
    "value_address": "包头市东河区巴彦塔拉大街 18 号",
    "value_products": "稀土永磁材料",
    "value_employees": "860",
    "value_revenue": "152000",
    "value_needs": "排产与质量追溯",
}


def plan_row(phase: str, starts: date, ends: date) -> dict:
    dates = {"value_starts_on": starts.isoformat(), "value_ends_on": ends.isoformat()}
    return {"value_phase": phase, "value_task": f"{phase} 任务", "value_owner": "郑专家", **dates}


def status(engagement_id: int) -> EngagementStatus:
    db.session.expire_all()
    return db.session.get(DiagnosisEngagement, engagement_id).status


def test_the_forms_keep_the_team_off_site_until_they_are_there(browser, people):
    engagement_id = _ready_but_forms(browser, people)
    page = f"/engagements/{engagement_id}"
    shown = browser.get(page).text
    assert 'id="paperwork"' in shown and "附件4" in shown
    refused = start(browser, engagement_id)
    assert refused.status_code == 409 and "申请表" in refused.text

    # The enterprise applies; without a self-assessment it is told to make one first.
    sign_in_as(browser, people["enterprise"])
    form_page = f"{page}/forms/application"
    assert 'id="no-self-assessment"' in browser.get(form_page).text
    refused = browser.submit(form_page, APPLICATION)
    assert refused.status_code == 422 and "自评估" in refused.text
    assert 'value="李明"' in refused.text  # the input kept
    assert db.session.scalar(sa.select(sa.func.count(DiagnosisFormEntry.id))) == 0
    factories.assessment(people["enterprise_org"], status=AssessmentStatus.APPROVED)
    db.session.commit()
    assert browser.submit(form_page, APPLICATION).status_code == 302
    kept = db.session.scalars(
        sa.select(DiagnosisFile).where(DiagnosisFile.kind == paperwork.SELF_ASSESSMENT)
    ).one()
    assert PdfReader(uploads.path_of(kept.stored_name)).pages  # the report, as a PDF
    assert any(
        "申请表" in n.title
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.user_id == people["expert"].id)
        )
    )
    # Filed again, it is replaced, not doubled.
    changed = {**APPLICATION, "value_contact": "王芳"}
    assert browser.submit(form_page, changed).status_code == 302
    [entry] = db.session.scalars(sa.select(DiagnosisFormEntry)).all()
    assert entry.values["contact"] == "王芳" and entry.values["employees"] == 860

    # The provider's plan: an end before its start comes back beside it; every phase wanted.
    sign_in_as(browser, people["expert"])
    plan = f"{page}/forms/plan"
    backwards = browser.submit(plan, plan_row("preparation", TODAY, TODAY - timedelta(days=1)))
    assert backwards.status_code == 422 and "value_ends_on" in backwards.text
    for _n in range(3):
        browser.submit(plan, plan_row("preparation", TODAY, TODAY + timedelta(days=2)))
    refused = start(browser, engagement_id)
    assert refused.status_code == 409 and "评估实施" in refused.text  # phases not covered
    for phase in ("implementation", "summary"):
        assert browser.submit(plan, plan_row(phase, TODAY, TODAY)).status_code == 302
    refused = start(browser, engagement_id)
    assert refused.status_code == 409 and "告知" in refused.text  # the notice still to send
    notice = {"value_planned_on": TODAY.isoformat(), "value_attendees": "总经理",
              "value_materials": "营业执照", "value_sites": "生产线"}  # fmt: skip
    assert browser.submit(f"{page}/forms/notice", notice).status_code == 302
    assert start(browser, engagement_id).status_code == 302
    assert status(engagement_id) == S.ON_SITE

    # Once on site the forms before it are closed.
    assert browser.submit(plan, plan_row("summary", TODAY, TODAY)).status_code == 409
    sign_in_as(browser, people["enterprise"])
    assert browser.submit(form_page, APPLICATION).status_code == 409


def test_only_the_party_fills_its_form(browser, people):
    engagement_id = _ready_but_forms(browser, people)
    page = f"/engagements/{engagement_id}"
    sign_in_as(browser, people["expert"])
    assert browser.submit(f"{page}/forms/application", APPLICATION).status_code == 404
    assert browser.get(f"{page}/forms/no_such_form").status_code == 404
    assert browser.get(f"{page}/forms/report").status_code == 404  # not filled in here
    sign_in_as(browser, people["enterprise"])
    row = plan_row("preparation", TODAY, TODAY)
    assert browser.submit(f"{page}/forms/plan", row, action=f"{page}/forms/plan").status_code == 404
    assert 'id="paperwork-form"' not in browser.get(f"{page}/forms/plan").text
    sign_in_as(browser, people["authority"])
    assert browser.get(f"{page}/forms/plan").status_code == 200  # read only
    stranger = factories.user(factories.organisation(region="220102"))
    sign_in_as(browser, stranger)
    assert browser.get(f"{page}/forms/plan").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(DiagnosisFormEntry.id))) == 0


def test_the_record_and_the_ledger_come_before_the_report(browser, people):
    engagement = on_site(people, "nmg_offline")
    page = f"/engagements/{engagement.id}"
    ledger = db.session.scalars(
        sa.select(DiagnosisFormEntry).where(DiagnosisFormEntry.form_key == "ledger")
    ).all()
    assert {row.values["document"] for row in ledger} == {
        c.key for c in programmes.programme("nmg_offline").form("ledger").field("document").choices
    }
    licence = next(row for row in ledger if row.values["document"] == "licence")
    sign_in_as(browser, people["expert"])
    removal = f"{page}/forms/ledger/{licence.number}/remove"
    unconfirmed = browser.submit(f"{page}/forms/ledger", {}, action=removal)
    assert unconfirmed.status_code == 422
    confirmed = browser.submit(f"{page}/forms/ledger", {"confirm": "y"}, action=removal)
    assert confirmed.status_code == 302
    shown = browser.get(f"{page}/forms/ledger").text
    assert 'id="form-problems"' in shown and "营业执照" in shown
    refused = browser.submit(page, {}, action=f"{page}/submit")
    assert refused.status_code == 409 and "台账" in refused.text
    assert status(engagement.id) == S.ON_SITE


def test_a_row_added_from_a_stale_page_is_refused(browser, people):
    engagement_id = _ready_but_forms(browser, people)
    page = f"/engagements/{engagement_id}/forms/plan"
    sign_in_as(browser, people["expert"])
    version = status_and_version(engagement_id)
    row = plan_row("preparation", TODAY, TODAY) | {"version": str(version)}
    assert browser.submit(page, row).status_code == 302
    assert browser.submit(page, row).status_code == 409  # the same page posted twice
    assert db.session.scalar(sa.select(sa.func.count(DiagnosisFormEntry.id))) == 1


def status_and_version(engagement_id: int) -> int:
    db.session.expire_all()
    return db.session.get(DiagnosisEngagement, engagement_id).lock_version


def test_the_enterprise_finds_its_application_on_its_work_list(browser, people):
    engagement_id = _ready_but_forms(browser, people)
    sign_in_as(browser, people["enterprise"])
    listed = browser.get("/dashboard").text
    assert 'id="work-diagnosis_forms_to_fill"' in listed
    assert f"/engagements/{engagement_id}" in listed
    factories.assessment(people["enterprise_org"], status=AssessmentStatus.APPROVED)
    fill_forms(db.session.get(DiagnosisEngagement, engagement_id), "start",
               provider=people["expert"], enterprise=people["enterprise"], day=TODAY,
               only=("application",))  # fmt: skip
    db.session.commit()
    assert 'id="work-diagnosis_forms_to_fill"' not in browser.get("/dashboard").text


@pytest.mark.parametrize(
    ("form", "where"),
    [
        ({"key": "x", "title": {"zh": "表", "en": "Form"}, "fields": [
            {"key": "a", "kind": "text", "title": {"zh": "甲", "en": "A"}}]}, "forms.x"),
        ({"key": "x", "title": {"zh": "表", "en": "Form"}, "filled_by": "provider",
          "before": "start", "fields": [{"key": "a", "kind": "choice",
                                         "title": {"zh": "甲", "en": "A"}}]}, "forms.x.fields.a"),
        ({"key": "x", "title": {"zh": "表", "en": "Form"}, "filled_by": "provider",
          "before": "start", "rows": True, "must_cover": "a", "fields": [
              {"key": "a", "kind": "text", "title": {"zh": "甲", "en": "A"}}]},
         "forms.x.must_cover"),
        ({"key": "x", "title": {"zh": "表", "en": "Form"}, "filled_by": "provider",
          "before": "start", "self_assessment": True, "fields": [
              {"key": "a", "kind": "text", "title": {"zh": "甲", "en": "A"}}]},
         "forms.x.self_assessment"),
    ],
)  # fmt: skip
def test_a_malformed_form_is_named_by_its_path(tmp_path, form, where):
    source = programmes.PROGRAMME_DIR / "nmg_offline.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["forms"] = [form]
    broken = tmp_path / "nmg_offline.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProgrammeError) as error:
        programmes.load_programme(broken)
    assert f"nmg_offline.yaml: {where}" in str(error.value)
