"""The whole certification path through HTTP, as the four parties, and its branches."""

from datetime import date, timedelta

import sqlalchemy as sa
import time_machine

from app.extensions import db
from models import Audit, AuditKind, Finding, OutboxMessage, Project, ProjectStatus
from tests import factories
from tests.functional.projects.helpers import act, browser_for, reload, upload

P = ProjectStatus


def start_project(enterprise_browser) -> int:
    response = enterprise_browser.submit(
        "/projects/",
        {
            "scope": "精密装备的研发、生产和销售",
            "capabilities": "数据驱动的精益生产管控能力\n个性化定制能力",
            "sites": "上海市浦东新区张江路 88 号",
        },
        action="/projects/start",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def consult(actor_browser, project_id: int, today: date) -> None:
    """The six consulting steps, with their deliverables."""
    deliverables = {
        4: [("manual", "两化融合管理手册.pdf"), ("procedure", "程序文件汇编.pdf")],
        5: [("internal_audit_report", "内审报告.pdf")],
        6: [("management_review", "管理评审记录.pdf")],
    }
    for number in range(1, 7):
        for kind, name in deliverables.get(number, []):
            assert (
                upload(actor_browser, project_id, kind, name, step=str(number)).status_code == 302
            )
        data = {"completed_on": today.isoformat(), "notes": f"第 {number} 步完成"}
        if number == 4:
            data["operation_started_on"] = today.isoformat()
        response = act(actor_browser, project_id, "complete_step", data)
        assert response.status_code == 302, (number, response.get_data(as_text=True)[-1500:])


def application_to(body) -> dict:
    return {
        "body_id": str(body.id),
        "scope": "精密装备的研发、生产和销售",
        "capabilities": "数据驱动的精益生产管控能力",
        "sites": "上海市浦东新区",
        "headcount": "120",
        "contact_name": "王晓明",
        "contact_phone": "021-1234",
    }


def decide(lead, audit_id: int, finding_id: int, decision: str, comment: str = "") -> None:
    response = lead.submit(
        f"/audits/{audit_id}",
        {"decision": decision, "comment": comment},
        action=f"/audits/findings/{finding_id}/decision",
    )
    assert response.status_code == 302


def answer(enterprise, audit_id: int, finding_id: int, cause: str = "原因分析") -> None:
    response = enterprise.submit(
        f"/audits/{audit_id}",
        {"cause": cause, "correction": "已纠正", "action": "修订程序文件并培训"},
        action=f"/audits/findings/{finding_id}/answer",
    )
    assert response.status_code == 302


def evaluate(enterprise, lead, lead_user, member, project_id: int, day: date) -> None:
    """Phase 2 after the application: acceptance, both stages with a major, a minor and an
    observation, answers (one rejected once), verification, report, conclusion, confirmation."""
    accepted = act(lead, project_id, "accept_application", {"lead_evaluator_id": str(lead_user.id)})
    assert accepted.status_code == 302
    plan = {"starts_on": day.isoformat(), "ends_on": day.isoformat(), "member_ids": str(member.id)}
    assert act(lead, project_id, "plan_stage1", plan).status_code == 302
    done = {"completed_on": day.isoformat()}
    assert act(lead, project_id, "complete_stage1", done).status_code == 302
    assert act(lead, project_id, "plan_stage2", plan).status_code == 302
    stage2 = db.session.scalar(
        sa.select(Audit).where(Audit.project_id == project_id, Audit.kind == AuditKind.STAGE2)
    )
    for kind in ("major", "minor", "observation"):
        response = lead.submit(
            f"/audits/{stage2.id}",
            {"kind": kind, "clause_code": "9.3", "description": f"{kind} 发现"},
            action=f"/audits/{stage2.id}/findings",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert act(lead, project_id, "complete_stage2", done).status_code == 302
    assert upload(lead, project_id, "audit_report", "评定报告.pdf").status_code == 302

    refused = act(lead, project_id, "recommend")
    assert refused.status_code == 409
    assert "严重不符合" in refused.get_data(as_text=True)

    major, minor, observation = db.session.scalars(
        sa.select(Finding).where(Finding.audit_id == stage2.id).order_by(Finding.id)
    ).all()
    assert observation.status.value == "noted"
    assert major.due_on == day + timedelta(days=30)
    answer(enterprise, stage2.id, major.id)
    answer(enterprise, stage2.id, minor.id)
    decide(lead, stage2.id, major.id, "reject", "证据不足")  # back to the enterprise
    answer(enterprise, stage2.id, major.id, "原因分析（补充）")
    decide(lead, stage2.id, minor.id, "accept")
    decide(lead, stage2.id, major.id, "verify")
    assert act(lead, project_id, "recommend").status_code == 302
    assert act(enterprise, project_id, "confirm").status_code == 302


def test_whole_path_with_a_consultancy(app, app_ctx):
    parties = factories.Parties()
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    consultant = browser_for(app, parties.consultant)
    today = date.today()

    project_id = start_project(enterprise)
    invite = {"consultancy_id": str(parties.consultancy_org.id)}
    assert act(enterprise, project_id, "invite_consultancy", invite).status_code == 302
    assert act(consultant, project_id, "accept_engagement").status_code == 302
    consult(consultant, project_id, today)
    assert reload(project_id).status == P.READY_TO_APPLY

    early = act(enterprise, project_id, "apply", application_to(parties.body_org))
    assert early.status_code == 409
    assert "3 个月" in early.get_data(as_text=True)

    later = today + timedelta(days=95)
    with time_machine.travel(later, tick=False):
        # Three months later the old sessions have expired: everyone signs in again.
        enterprise, lead = browser_for(app, parties.enterprise), browser_for(app, parties.lead)
        applied = act(enterprise, project_id, "apply", application_to(parties.body_org))
        assert applied.status_code == 302
        evaluate(enterprise, lead, parties.lead, parties.evaluator, project_id, later)

    project = reload(project_id)
    assert project.status == P.CONFIRMED and project.recommended is True
    actions = [e.action for e in project.events]
    assert actions[:3] == ["start", "invite_consultancy", "accept_engagement"]
    assert actions.count("complete_step") == 6
    assert actions[-1] == "confirm"
    assert all(e.actor_id for e in project.events)
    # The other parties were told at each step, by email in their language.
    mails = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
    assert parties.enterprise.email in mails and parties.consultant.email in mails
    page = browser_for(app, parties.enterprise).get(f"/projects/{project_id}")
    assert page.status_code == 200 and "两化融合管理手册.pdf" in page.get_data(as_text=True)


def test_self_consulting_rejection_and_application_elsewhere(app, app_ctx):
    parties = factories.Parties()
    other_body = factories.organisation(factories.OrgKind.EVALUATION_BODY)
    other_lead = factories.user(other_body, role=factories.Role.EVALUATOR)
    other_member = factories.user(other_body, role=factories.Role.EVALUATOR)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    today = date.today()
    project_id = start_project(enterprise)
    assert act(enterprise, project_id, "consult_ourselves").status_code == 302
    consult(enterprise, project_id, today)
    later = today + timedelta(days=100)
    with time_machine.travel(later, tick=False):
        enterprise, lead = browser_for(app, parties.enterprise), browser_for(app, parties.lead)
        assert (
            act(enterprise, project_id, "apply", application_to(parties.body_org)).status_code
            == 302
        )
        no_reason = act(lead, project_id, "reject_application", {"comment": "", "confirm": "y"})
        assert no_reason.status_code == 422
        # A destructive action: refused without the confirmation box ticked.
        unconfirmed = act(lead, project_id, "reject_application", {"comment": "本机构近期无法安排"})
        assert unconfirmed.status_code == 422
        reason = {"comment": "本机构近期无法安排", "confirm": "y"}
        assert act(lead, project_id, "reject_application", reason).status_code == 302
        project = reload(project_id)
        assert project.status == P.READY_TO_APPLY and project.body_id is None
        # The rejecting body no longer sees the project.
        assert lead.get(f"/projects/{project_id}").status_code == 404
        assert act(enterprise, project_id, "apply", application_to(other_body)).status_code == 302
        assert reload(project_id).body_id == other_body.id
        other = browser_for(app, other_lead)
        evaluate(enterprise, other, other_lead, other_member, project_id, later)
    project = reload(project_id)
    assert project.status == P.CONFIRMED and project.self_consulting
    assert project.consultancy_id is None


def test_not_recommended_ends_the_project_and_allows_a_new_start(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, P.CORRECTION, stage2_completed_on=date.today())
    db.session.commit()
    lead = browser_for(app, parties.lead)
    upload(lead, project.id, "audit_report", "评定报告.pdf")
    refusal = act(lead, project.id, "not_recommend", {"comment": "体系运行不充分", "confirm": "y"})
    assert refusal.status_code == 302
    assert reload(project.id).status == P.NOT_RECOMMENDED
    enterprise = browser_for(app, parties.enterprise)
    new_id = start_project(enterprise)
    assert new_id != project.id
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Project)
        .where(Project.organisation_id == parties.enterprise_org.id)
    )
    assert count == 2


def test_starting_needs_the_self_assessment_gate(app, app_ctx):
    org = factories.organisation()
    user = factories.user(org, is_org_admin=True)
    db.session.commit()
    browser = browser_for(app, user)
    response = browser.submit(
        "/projects/", {"scope": "x", "capabilities": "y"}, action="/projects/start"
    )
    assert response.status_code == 409
    assert "自评估" in response.get_data(as_text=True)
