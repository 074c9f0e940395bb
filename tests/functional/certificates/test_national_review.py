"""Phase 3: compliance review, four-eyes re-review, publicity with objections, issue."""

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from blueprints.certificates.services import expiry_for, format_number
from models import (
    Certificate,
    CertificateStatus,
    Objection,
    OrgKind,
    ProjectStatus,
    PublicityBatch,
    Role,
)
from tests import factories
from tests.conftest import csrf_from
from tests.functional.projects.helpers import act, browser_for, reload

P = ProjectStatus
NUMBER = re.compile(r"^CSAIII-\d{3}\d{2}IIIMS\d{5}\d{2}$")


def staff():
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    return (
        factories.user(alliance, role=Role.ALLIANCE_STAFF),
        factories.user(alliance, role=Role.ALLIANCE_STAFF),
    )


def test_validity_is_exactly_three_years():
    assert expiry_for(date(2018, 11, 26)) == date(2021, 11, 26)
    assert expiry_for(date(2028, 2, 29)) == date(2031, 2, 28)
    assert format_number("009", 2018, 527, 2) == "CSAIII-00918IIIMS0052702"


def test_from_confirmed_conclusion_to_certificate(app, app_ctx):
    parties = factories.Parties()
    parties.body_org.body_code = "905"
    first = factories.project(parties, P.CONFIRMED)
    other = factories.Parties()
    other.body_org.body_code = "906"
    second = factories.project(other, P.CONFIRMED)
    reviewer, re_reviewer = staff()
    db.session.commit()
    with time_machine.travel(datetime(2026, 9, 29, 9), tick=False):
        a, b = browser_for(app, reviewer), browser_for(app, re_reviewer)
        for project in (first, second):
            assert act(a, project.id, "pass_compliance").status_code == 302
            # Four eyes: the compliance reviewer may not re-review.
            refused = act(a, project.id, "pass_re_review")
            assert refused.status_code == 409
            assert (
                "另一名" in refused.get_data(as_text=True)
                or "其他" in refused.get_data(as_text=True)
                or "不同" in refused.get_data(as_text=True)
            )
            assert act(b, project.id, "pass_re_review").status_code == 302
        desk = b.get("/publicity/desk").get_data(as_text=True)
        assert parties.enterprise_org.name in desk
        created = b.submit(
            "/publicity/desk",
            {
                "title": "2026 年第 9 批",
                "starts_on": "2026-09-30",
                "project_ids": [str(first.id), str(second.id)],
            },
            action="/publicity/desk/batches",
        )
        assert created.status_code == 302
    batch = db.session.scalar(sa.select(PublicityBatch))
    assert (batch.starts_on, batch.ends_on) == (date(2026, 9, 30), date(2026, 10, 12))
    assert reload(first.id).status == P.IN_PUBLICITY

    # The public: the batch is listed, and objections are lodged during the period.
    with time_machine.travel(datetime(2026, 10, 9, 10), tick=False):
        public = app.test_client()
        page = public.get("/publicity/").get_data(as_text=True)
        assert parties.enterprise_org.name in page
        entries = {e.project_id: e.id for e in batch.entries}
        for project in (first, second):
            form_page = public.get(f"/publicity/entries/{entries[project.id]}/objection")
            token = csrf_from(form_page.get_data(as_text=True))
            response = public.post(
                f"/publicity/entries/{entries[project.id]}/objection",
                data={
                    "csrf_token": token,
                    "name": "张三",
                    "contact": "138-0000-0000",
                    "reason": "该企业实际运行与申报不符。",
                },
            )
            assert response.status_code == 302
        b = browser_for(app, re_reviewer)
        objections = {o.entry.project_id: o for o in db.session.scalars(sa.select(Objection))}
        assert (
            b.submit(
                "/publicity/desk",
                {"decision": "dismiss", "reason": "经核实不成立"},
                action=f"/publicity/desk/objections/{objections[first.id].id}",
            ).status_code
            == 302
        )
        assert (
            b.submit(
                "/publicity/desk",
                {"decision": "uphold", "reason": "经核实属实", "confirm": "y"},
                action=f"/publicity/desk/objections/{objections[second.id].id}",
            ).status_code
            == 302
        )
        assert reload(second.id).status == P.CORRECTION  # back to the evaluation body
        # Too early to close.
        early = b.submit("/publicity/desk", {}, action=f"/publicity/desk/batches/{batch.id}/close")
        assert early.status_code == 409

    with time_machine.travel(datetime(2026, 10, 13, 9), tick=False):
        b = browser_for(app, re_reviewer)
        assert (
            b.submit(
                "/publicity/desk", {}, action=f"/publicity/desk/batches/{batch.id}/close"
            ).status_code
            == 302
        )
        assert reload(first.id).status == P.READY_TO_ISSUE
        assert act(b, first.id, "issue").status_code == 302
        certificate = db.session.scalar(sa.select(Certificate))
        assert NUMBER.match(certificate.number)
        assert certificate.number.startswith("CSAIII-90526IIIMS")
        assert certificate.number.endswith("0000101")
        assert certificate.effective_on == date(2026, 10, 13)
        assert certificate.expires_on == date(2029, 10, 13)
        assert certificate.scope.startswith("位于") and "两化融合管理活动" in certificate.scope
        assert reload(first.id).status == P.CERTIFIED
        # The public sees it; the failed one is nowhere.
        register = app.test_client().get("/certificates/").get_data(as_text=True)
        assert certificate.number in register
        assert other.enterprise_org.name not in register


def test_compliance_return_needs_the_problems_listed(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.CONFIRMED)
    reviewer, _ = staff()
    db.session.commit()
    a = browser_for(app, reviewer)
    assert act(a, project.id, "return_compliance", {"comment": ""}).status_code == 422
    assert (
        act(
            a, project.id, "return_compliance", {"comment": "缺少第二阶段审核计划的签字页"}
        ).status_code
        == 302
    )
    project = reload(project.id)
    assert project.status == P.CORRECTION
    assert project.events[-1].comment == "缺少第二阶段审核计划的签字页"


def test_enterprise_cannot_review(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.CONFIRMED)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    assert act(enterprise, project.id, "pass_compliance").status_code == 409
    assert reload(project.id).status == P.CONFIRMED


@pytest.fixture
def batch_in_publicity(app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.IN_PUBLICITY)
    reviewer, _ = staff()
    batch = PublicityBatch(
        title="批次",
        starts_on=date(2026, 9, 30),
        ends_on=date(2026, 10, 12),
        working_days=5,
        created_by_id=reviewer.id,
    )
    from models import PublicityEntry

    entry = PublicityEntry(
        project_id=project.id,
        enterprise_name="企业",
        region_name="上海",
        body_name="机构",
        scope="范围",
    )
    batch.entries.append(entry)
    db.session.add(batch)
    project.publicity_batch_id = batch.id
    db.session.commit()
    return entry


def _object(app, entry_id, **data):
    client = app.test_client()
    page = client.get(f"/publicity/entries/{entry_id}/objection").get_data(as_text=True)
    token = csrf_from(page)
    form = {"csrf_token": token, "name": "李四", "contact": "lisi@example.com", "reason": "理由"}
    form.update(data)
    return client.post(f"/publicity/entries/{entry_id}/objection", data=form)


def count_objections():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Objection))


def test_objection_outside_the_period_is_refused(app, batch_in_publicity):
    client = app.test_client()
    url = f"/publicity/entries/{batch_in_publicity.id}/objection"
    with time_machine.travel(datetime(2026, 10, 12, 23, 30), tick=False):
        assert url in client.get("/publicity/").get_data(as_text=True)
        token = csrf_from(client.get(url).get_data(as_text=True))
    # An hour later the period is over: the link and the form are gone (the page says why),
    # and a post from the page opened before fails.
    with time_machine.travel(datetime(2026, 10, 13, 0, 30), tick=False):
        assert url not in client.get("/publicity/").get_data(as_text=True)
        closed = client.get(url).get_data(as_text=True)
        assert 'name="reason"' not in closed and "公示期" in closed
        response = client.post(
            f"/publicity/entries/{batch_in_publicity.id}/objection",
            data={"csrf_token": token, "name": "李四", "contact": "x", "reason": "理由"},
        )
    assert response.status_code == 409
    assert "公示期" in response.get_data(as_text=True)
    assert count_objections() == 0


def test_empty_and_oversized_objections_are_refused(app, batch_in_publicity):
    with time_machine.travel(datetime(2026, 10, 8, 9), tick=False):
        assert _object(app, batch_in_publicity.id, reason="  ").status_code == 422
        assert _object(app, batch_in_publicity.id, reason="长" * 2001).status_code == 422
        assert count_objections() == 0
        # Rate limit per address.
        for _ in range(3):
            assert _object(app, batch_in_publicity.id).status_code == 302
        assert _object(app, batch_in_publicity.id).status_code == 409
    assert count_objections() == 3


def test_objection_without_csrf_token_is_refused(app, batch_in_publicity):
    with time_machine.travel(datetime(2026, 10, 8, 9), tick=False):
        response = app.test_client().post(
            f"/publicity/entries/{batch_in_publicity.id}/objection",
            data={"name": "x", "contact": "y", "reason": "z"},
        )
    assert response.status_code == 400
    assert count_objections() == 0


def test_certificate_status_shown_live(app, app_ctx):
    from blueprints.certificates.services import issue_for

    parties = factories.Parties()
    project = factories.project(parties, P.READY_TO_ISSUE)
    reviewer, _ = staff()
    certificate = issue_for(project, reviewer)
    number = certificate.number
    db.session.commit()
    client = app.test_client()
    assert "有效" in client.get(f"/certificates/{number}").get_data(as_text=True)
    assert client.get("/certificates/CSAIII-99999IIIMS9999901").status_code == 404
    day_after = certificate.expires_on + timedelta(days=1)
    with time_machine.travel(day_after.isoformat() + " 12:00", tick=False):
        later = app.test_client().get(f"/certificates/{number}").get_data(as_text=True)
        assert "过期" in later or "已过期" in later
    assert certificate.status == CertificateStatus.VALID  # stored status untouched
