"""Impartiality, the 6-month rule, uploads and bounded queries on the project pages."""

from datetime import date, timedelta
from io import BytesIO

import sqlalchemy as sa
import time_machine

from app.extensions import db
from models import (
    Audit,
    AuditKind,
    CorrectiveAction,
    Document,
    Finding,
    FindingKind,
    FindingStatus,
    ProjectEvent,
    ProjectStatus,
    Role,
)
from tests import factories
from tests.functional.projects.helpers import PDF, act, browser_for, reload, upload
from tests.html import error_beside, soup_of

P = ProjectStatus


def test_a_former_consultant_cannot_sit_on_the_audit_team(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.ACCEPTED)
    # The consultant completed a consulting step of this enterprise, then joined the body.
    db.session.add(
        ProjectEvent(
            project_id=project.id,
            action="complete_step",
            from_status=P.KICKOFF,
            to_status=P.SURVEY,
            actor_id=parties.consultant.id,
        )
    )
    moved = parties.consultant
    moved.organisation_id = parties.body_org.id
    moved.role = Role.EVALUATOR
    db.session.commit()
    lead = browser_for(app, parties.lead)
    today = date.today().isoformat()
    plan = {"starts_on": today, "ends_on": today, "member_ids": str(moved.id)}
    refused = act(lead, project.id, "plan_stage1", plan)
    assert refused.status_code == 422  # beside the team's field, the input kept
    assert moved.name in error_beside(soup_of(refused), "plan_stage1-member_ids")
    assert reload(project.id).status == P.ACCEPTED
    plan["member_ids"] = str(parties.evaluator.id)
    assert act(lead, project.id, "plan_stage1", plan).status_code == 302


def test_a_member_of_the_enterprise_cannot_lead(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.APPLIED)
    db.session.commit()
    lead = browser_for(app, parties.lead)
    # Not an evaluator of the body at all: refused before impartiality is even asked.
    refused = act(
        lead, project.id, "accept_application", {"lead_evaluator_id": str(parties.enterprise.id)}
    )
    assert refused.status_code in (409, 422)
    assert reload(project.id).status == P.APPLIED


def _stage2_with_major(parties, completed_on: date):
    project = factories.project(parties, P.CORRECTION, stage2_completed_on=completed_on)
    audit = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
    )
    finding = Finding(
        audit_id=audit.id,
        kind=FindingKind.MAJOR,
        clause_code="9.3",
        description="严重不符合",
        status=FindingStatus.OPEN,
        created_by_id=parties.lead.id,
    )
    db.session.add(finding)
    db.session.flush()
    return project, audit, finding


NOTICE = "须重新安排第二阶段审核"  # "the stage-2 audit must be planned again"


def test_six_month_rule_is_shown_then_applied_by_the_scheduler(app, app_ctx):
    from blueprints.projects.services import expire_overdue_corrections

    parties = factories.Parties()
    start = date.today()
    project, _audit, _finding = _stage2_with_major(parties, start)
    db.session.commit()
    with time_machine.travel(start + timedelta(days=150), tick=False):
        page = browser_for(app, parties.enterprise).get(f"/projects/{project.id}")
        assert NOTICE not in page.get_data(as_text=True)  # within six months: nothing yet
        assert expire_overdue_corrections() == 0
    with time_machine.travel(start + timedelta(days=200), tick=False):
        page = browser_for(app, parties.lead).get(f"/projects/{project.id}")
        assert NOTICE in page.get_data(as_text=True)
        # The page only says so (a GET writes nothing); the conclusion is refused meanwhile.
        assert reload(project.id).status == P.CORRECTION
        refused = browser_for(app, parties.lead).submit(
            f"/projects/{project.id}", {}, action=f"/projects/{project.id}/actions/recommend"
        )
        assert refused.status_code == 409
        assert expire_overdue_corrections() == 1
        db.session.commit()
    project = reload(project.id)
    assert project.status == P.STAGE1_DONE
    last = project.events[-1]
    assert last.action == "stage2_expired" and last.actor_id is None


def test_six_month_rule_spares_verified_majors(app, app_ctx):
    from blueprints.projects.services import expire_overdue_corrections

    parties = factories.Parties()
    start = date.today()
    project, _audit, finding = _stage2_with_major(parties, start)
    finding.status = FindingStatus.CLOSED
    db.session.commit()
    with time_machine.travel(start + timedelta(days=200), tick=False):
        page = browser_for(app, parties.enterprise).get(f"/projects/{project.id}")
        assert NOTICE not in page.get_data(as_text=True)
        assert expire_overdue_corrections() == 0
    assert reload(project.id).status == P.CORRECTION


def test_scheduler_entry_point_applies_the_rule(app, app_ctx):
    from blueprints.projects.services import expire_overdue_corrections

    parties = factories.Parties()
    start = date.today()
    project, _audit, _finding = _stage2_with_major(parties, start)
    with time_machine.travel(start + timedelta(days=200), tick=False):
        assert expire_overdue_corrections() == 1
        assert expire_overdue_corrections() == 0
    assert reload(project.id).status == P.STAGE1_DONE


def documents_of(project_id):
    return db.session.scalars(sa.select(Document).where(Document.project_id == project_id)).all()


def test_upload_refusals_store_nothing(app, app_ctx, monkeypatch):
    parties = factories.Parties()
    project = factories.project(parties, P.DOCUMENTATION, self_consulting=True)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    cases = [
        ("manual", "setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, "不符"),  # a renamed executable
        ("manual", "空文件.pdf", b"", "为空"),
        ("manual", "../../etc/passwd.pdf", PDF, "路径"),
        ("manual", "程序.exe", PDF, ".exe"),
    ]
    # Refused on the project page itself, beside the file field (422).
    for kind, name, content, message in cases:
        response = upload(enterprise, project.id, kind, name, content)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True), (name, message)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    response = upload(enterprise, project.id, "manual", "大文件.pdf", PDF + b"0" * 2048)
    assert response.status_code == 422 and "大于" in response.get_data(as_text=True)
    assert documents_of(project.id) == []


def test_chinese_file_name_round_trips_for_parties_only(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.DOCUMENTATION, self_consulting=True)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    assert (
        upload(enterprise, project.id, "manual", "两化融合管理手册（第一版）.pdf").status_code
        == 302
    )
    [document] = documents_of(project.id)
    assert document.original_name == "两化融合管理手册（第一版）.pdf"
    url = f"/projects/{project.id}/documents/{document.id}"
    response = enterprise.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    response.close()
    outsider = browser_for(app, factories.user())
    assert outsider.get(url).status_code == 404
    # Evaluation bodies do not provide management manuals.
    other = browser_for(app, parties.lead)
    assert other.get(url).status_code == 404  # not yet a party either


def test_project_page_query_count_is_bounded(app, app_ctx, count_queries):
    parties = factories.Parties()
    project = factories.project(parties, P.CORRECTION, stage2_completed_on=date.today())
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)

    def grow(n):
        audit = db.session.scalar(
            sa.select(Audit).where(Audit.project_id == project.id, Audit.kind == AuditKind.STAGE2)
        )
        for i in range(n):
            finding = Finding(
                audit_id=audit.id,
                kind=FindingKind.MINOR,
                clause_code="9.3",
                description=f"发现 {i}",
                status=FindingStatus.ANSWERED,
                created_by_id=parties.lead.id,
            )
            db.session.add(finding)
            db.session.flush()
            db.session.add(
                CorrectiveAction(
                    finding_id=finding.id,
                    cause="c",
                    correction="c",
                    action="a",
                    submitted_by_id=parties.enterprise.id,
                )
            )
            upload(enterprise, project.id, "record", f"记录{i}.pdf")
            db.session.add(
                ProjectEvent(
                    project_id=project.id,
                    action="note",
                    comment=str(i),
                    from_status=P.CORRECTION,
                    to_status=P.CORRECTION,
                    actor_id=parties.lead.id,
                )
            )
        db.session.commit()
        return audit

    audit = grow(2)
    with count_queries() as small:
        assert enterprise.get(f"/projects/{project.id}").status_code == 200
        assert enterprise.get(f"/audits/{audit.id}").status_code == 200
    grow(20)
    with count_queries() as large:
        assert enterprise.get(f"/projects/{project.id}").status_code == 200
        assert enterprise.get(f"/audits/{audit.id}").status_code == 200
    assert large.count == small.count, large.statements
    assert large.count <= 40, large.statements


def test_findings_filter(app, app_ctx):
    parties = factories.Parties()
    _project, audit, _major = _stage2_with_major(parties, date.today())
    db.session.add(
        Finding(
            audit_id=audit.id,
            kind=FindingKind.OBSERVATION,
            clause_code="9.3",
            description="观察项内容",
            status=FindingStatus.NOTED,
            created_by_id=parties.lead.id,
        )
    )
    db.session.commit()
    lead = browser_for(app, parties.lead)
    majors = lead.get(f"/audits/{audit.id}?kind=major").get_data(as_text=True)
    assert "严重不符合" in majors and "观察项内容" not in majors
    noted = lead.get(f"/audits/{audit.id}?status=noted").get_data(as_text=True)
    assert "观察项内容" in noted


def test_evidence_photo_keeps_its_exif_time_and_place(app, app_ctx):
    from PIL import Image

    parties = factories.Parties()
    _project, audit, finding = _stage2_with_major(parties, date.today())
    db.session.commit()
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2026:03:01 09:30:00"  # DateTimeOriginal, in the Exif IFD
    # GPS: 31°13'49.2"N 121°28'51.6"E (上海)
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 13.0, 49.2), 3: "E", 4: (121.0, 28.0, 51.6)})
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    enterprise = browser_for(app, parties.enterprise)
    token = enterprise.token(f"/audits/{audit.id}")
    response = enterprise.client.post(
        f"/audits/findings/{finding.id}/answer",
        data={
            "csrf_token": token,
            "cause": "原因",
            "correction": "纠正",
            "action": "措施",
            "evidence": (BytesIO(buffer.getvalue()), "现场照片.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo = db.session.scalar(sa.select(Document).where(Document.finding_id == finding.id))
    assert photo.taken_at.isoformat() == "2026-03-01T09:30:00"
    assert (photo.latitude, photo.longitude) == (31.230333, 121.481)
    assert photo.audit_id == audit.id
    page = enterprise.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "31.23033" in page and "121.48100" in page


def test_a_step_cannot_be_completed_in_the_future(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.KICKOFF, self_consulting=True)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = act(enterprise, project.id, "complete_step", {"completed_on": tomorrow})
    assert response.status_code == 409
    assert "晚于今天" in response.get_data(as_text=True)
    assert reload(project.id).status == P.KICKOFF
