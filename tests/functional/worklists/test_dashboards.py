"""Every role finds on its dashboard what waits on it, and nothing of anybody else's."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from blueprints.main.worklist import WorkList, work_for
from blueprints.projects.transitions import ACTION_TITLES
from tests.functional.projects.helpers import browser_for
from tests.functional.worklists.world import World, build, other_project, strangers


@pytest.fixture
def world(app_ctx) -> World:
    return build()


def lists_of(user) -> dict[str, WorkList]:
    return {group.key: group for group in work_for(user)}


def whom(group: WorkList) -> list[str]:
    return [item.whom for item in group.items]


def test_the_enterprise_answers_confirms_fixes_and_sees_what_comes_due(world):
    lists = lists_of(world.parties.enterprise)
    findings = lists["answer_findings"]
    assert findings.total == 1  # the answered one waits on the evaluator now
    (item,) = findings.items
    assert item.url.endswith(f"#finding-{world.open_finding.id}")
    assert item.due == world.open_finding.due_on and item.overdue(date.today())
    assert lists["returned_assessments"].total == 1
    assert lists["project_steps"].total == 0  # in correction: the evaluator's turn
    due = lists["surveillance_due"]
    assert whom(due) == [world.overdue_certificate.number, world.certificate.number]
    requests = lists["requests_waiting"]
    assert requests.waiting and whom(requests) == [world.certificate.number]


def test_the_enterprise_is_asked_to_confirm_a_conclusion(world):
    world.correction.status = world.correction.status.CONCLUDED
    db.session.flush()
    (item,) = lists_of(world.parties.enterprise)["project_steps"].items
    assert item.what == str(ACTION_TITLES["confirm"])
    assert item.url.endswith(f"/projects/{world.correction.id}")


def test_the_consultant_answers_invitations_and_records_steps(world):
    lists = lists_of(world.parties.consultant)
    assert whom(lists["invitations"]) == [world.enterprises["invited"].name]
    assert whom(lists["steps_to_record"]) == [world.enterprises["survey"].name]
    assert lists["steps_to_record"].items[0].due is not None  # the expected days of the step


def test_the_lead_evaluator_accepts_plans_verifies_concludes_and_surveils(world):
    lists = lists_of(world.parties.lead)
    assert whom(lists["applications"]) == [world.enterprises["applied"].name]
    assert sorted(whom(lists["audits"])) == sorted(
        [world.enterprises["accepted"].name, world.enterprises["stage2_planned"].name]
    )
    assert [i.url for i in lists["answers_to_verify"].items] == [
        f"/audits/{world.answered_finding.audit_id}#finding-{world.answered_finding.id}"
    ]
    assert whom(lists["conclusions"]) == [world.parties.enterprise_org.name]
    surveillance = lists["surveillance"].items
    assert [i.whom.split(" · ")[1] for i in surveillance] == [
        world.overdue_certificate.number,
        world.certificate.number,
    ]
    assert surveillance[0].overdue(date.today()) and not surveillance[1].overdue(date.today())


def test_another_evaluator_of_the_body_plans_surveillance_but_leads_nothing(world):
    lists = lists_of(world.parties.evaluator)
    assert lists["surveillance"].total == 2  # any evaluator of the body plans
    assert lists["applications"].total == 1  # the body's applications are everyone's
    for key in ("audits", "conclusions", "answers_to_verify"):  # the lead's, the team's
        assert lists[key].total == 0, key


def test_alliance_staff_find_reviews_publicity_certificates_and_requests(world):
    lists = lists_of(world.staff2)
    names = world.enterprises
    assert whom(lists["compliance_reviews"]) == [names["confirmed"].name]
    assert whom(lists["re_reviews"]) == [names["re_review"].name]
    assert whom(lists["awaiting_publicity"]) == [names["ready_for_publicity"].name]
    assert whom(lists["ready_to_issue"]) == [names["ready_to_issue"].name]
    assert whom(lists["objections"]) == [names["in_publicity"].name]
    assert whom(lists["batches_to_close"]) == [world.ended_batch.title]
    assert lists["holder_requests"].total == 1
    assert lists["recertifications"].total == 2


def test_the_re_review_never_goes_to_the_compliance_reviewer(world):
    lists = lists_of(world.staff)
    assert lists["re_reviews"].total == 0
    # Nor the recertification whose compliance review they passed; the recommended one, yes.
    assert whom(lists["recertifications"]) == [
        f"{world.certificate.enterprise_name} · {world.certificate.number}"
    ]


def test_the_authority_reviews_its_queue(world):
    lists = lists_of(world.authority)
    assert whom(lists["review_queue"]) == [world.waiting_assessment_org.name]


def test_strangers_see_none_of_it(world):
    for kind, stranger in strangers().items():
        assert all(group.total == 0 for group in work_for(stranger)), kind


# --- the page ------------------------------------------------------------------------------


def section(page: str, key: str) -> str:
    """The card of one kind of item on the dashboard ('' when the kind has nothing)."""
    match = re.search(rf'id="work-{key}".*?(?=id="work-|</section>)', page, re.S)
    return match.group(0) if match else ""


def test_the_dashboard_shows_the_work_first_with_dates_and_links(app, world):
    db.session.commit()
    page = browser_for(app, world.parties.enterprise).get("/dashboard").get_data(as_text=True)
    assert page.index('id="worklist-title"') < page.index("stat-card")  # first thing
    findings = section(page, "answer_findings")
    assert f'href="/audits/{world.open_finding.audit_id}#finding-{world.open_finding.id}"' in (
        findings
    )
    assert "text-danger" in findings and "已逾期" in findings  # in red and in words
    due = section(page, "surveillance_due")
    assert world.certificate.number in due and world.overdue_certificate.number in due
    # A request waits on the alliance: shown apart, not as a to-do.
    waiting = page[page.index("等待他方处理") :]
    assert world.certificate.number in section(waiting, "requests_waiting")


def test_a_long_list_is_capped_with_the_rest_counted(app, world):
    for _ in range(22):
        other_project(world.parties, world.correction.status.APPLIED)
    db.session.commit()
    page = browser_for(app, world.parties.lead).get("/dashboard").get_data(as_text=True)
    applications = section(page, "applications")
    assert applications.count('class="list-group-item') == 20
    assert "还有 3 项" in applications
    assert "/projects/?status=applied" in applications


def test_strangers_dashboards_show_nothing_waiting(app, world):
    db.session.commit()
    others = strangers()
    db.session.commit()
    secrets = [world.certificate.number, world.parties.enterprise_org.name]
    secrets += [org.name for org in world.enterprises.values()]
    for kind, stranger in others.items():
        page = browser_for(app, stranger).get("/dashboard").get_data(as_text=True)
        assert "没有等待您处理的事项" in page, kind
        assert not any(secret in page for secret in secrets), kind
