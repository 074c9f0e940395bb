"""Impartiality declarations and conflicts of interest (issue 20, part 3), through the HTTP
interface: signing the yearly pledge, declaring conflicts (validated), the refusals of an
undeclared or conflicted person on stage, surveillance and recertification audit teams and in
the alliance's review, the yearly reminder, the alliance's list and its Excel."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import sqlalchemy as sa
import time_machine

from app.extensions import db
from blueprints.certificates.services import issue_for
from blueprints.declarations import reminders
from models import (
    ConflictOfInterest,
    ImpartialityDeclaration,
    OrgKind,
    OutboxMessage,
    Project,
    ProjectStatus,
    Role,
    ScheduleItem,
    ScheduleKind,
    ScheduleStatus,
)
from tests import factories
from tests.functional.projects.helpers import act, browser_for
from tests.html import error_beside, soup_of

NOW = datetime(2026, 6, 15, 2)  # 10:00 in Shanghai


def undeclare(user) -> None:
    db.session.execute(
        sa.delete(ImpartialityDeclaration).where(ImpartialityDeclaration.user_id == user.id)
    )
    db.session.commit()


def conflict(user, enterprise, starts_on=date(2020, 1, 1), ends_on=None) -> None:
    factories.conflict(user, enterprise, starts_on=starts_on, ends_on=ends_on)
    db.session.commit()


def text(response) -> str:
    return response.get_data(as_text=True)


# --- signing and conflicts ------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_evaluator_signs_the_yearly_declaration_once(app, app_ctx):
    body = factories.organisation(OrgKind.EVALUATION_BODY)
    evaluator = factories.user(body, role=Role.EVALUATOR, declared=False)
    db.session.commit()
    browser = browser_for(app, evaluator)
    page = browser.get("/declarations/")
    assert page.status_code == 200
    assert "客观、公正、独立" in text(page)  # the pledge text, in the reader's language
    # The box must be ticked.
    refused = browser.submit("/declarations/", {"year": "2026"}, action="/declarations/sign")
    assert refused.status_code == 422
    signed = browser.submit(
        "/declarations/", {"year": "2026", "pledge": "y"}, action="/declarations/sign"
    )
    assert signed.status_code == 302
    declaration = db.session.scalar(
        sa.select(ImpartialityDeclaration).where(ImpartialityDeclaration.user_id == evaluator.id)
    )
    assert (declaration.year, declaration.valid_from, declaration.valid_until) == (
        2026,
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert declaration.pledge_version == "2026-1"
    again = browser.submit(
        "/declarations/", {"year": "2026", "pledge": "y"}, action="/declarations/sign"
    )
    assert again.status_code == 422
    # Next year cannot be signed before December; an enterprise user signs nothing.
    early = browser.submit(
        "/declarations/", {"year": "2027", "pledge": "y"}, action="/declarations/sign"
    )
    assert early.status_code == 422
    enterprise_user = factories.user()
    db.session.commit()
    assert browser_for(app, enterprise_user).get("/declarations/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_conflicts_are_declared_and_validated(app, app_ctx):
    body = factories.organisation(OrgKind.EVALUATION_BODY)
    evaluator = factories.user(body, role=Role.EVALUATOR)
    other = factories.user(body, role=Role.EVALUATOR)
    enterprise = factories.organisation(name="上海回避测试有限公司")
    db.session.commit()
    browser = browser_for(app, evaluator)
    found = browser.get("/declarations/", query_string={"q": "回避测试"})
    assert f'value="{enterprise.id}"' in text(found)

    def declare(**data):
        fields = {"relation": "consulted", "starts_on": "2024-01-01", **data}
        return browser.submit("/declarations/", fields, action="/declarations/conflicts")

    bad_code = declare(name="外部公司", credit_code="91310115ABCDEFGH00")
    assert bad_code.status_code == 422
    assert "credit_code" in text(bad_code)
    backwards = declare(organisation_id=str(enterprise.id), ends_on="2023-01-01")
    assert backwards.status_code == 422
    not_an_enterprise = declare(organisation_id=str(body.id))
    assert not_an_enterprise.status_code == 422
    assert declare(organisation_id=str(enterprise.id)).status_code == 302
    outside = factories.credit_code()
    outside_declared = declare(name="不在平台的公司", credit_code=outside, relation="interest")
    assert outside_declared.status_code == 302
    rows = db.session.scalars(
        sa.select(ConflictOfInterest)
        .where(ConflictOfInterest.user_id == evaluator.id)
        .order_by(ConflictOfInterest.id)
    ).all()
    assert [(c.name, c.organisation_id, c.ends_on) for c in rows] == [
        ("上海回避测试有限公司", enterprise.id, None),
        ("不在平台的公司", None, None),
    ]
    # Another person's conflict is nobody else's to end.
    theirs = browser_for(app, other)
    end = f"/declarations/conflicts/{rows[0].id}/end"
    ended = theirs.submit("/declarations/", {"ends_on": "2026-06-01"}, action=end)
    assert ended.status_code == 404
    mine = browser.submit("/declarations/", {"ends_on": "2026-06-01"}, action=end)
    assert mine.status_code == 302
    db.session.expire_all()
    assert db.session.get(ConflictOfInterest, rows[0].id).ends_on == date(2026, 6, 1)


# --- the refusals on audit teams ------------------------------------------------------------


TEAM = "plan_stage1-member_ids"  # the team's field on the project page


def _plan(browser, project, member_ids=()):
    return act(
        browser,
        project.id,
        "plan_stage1",
        {
            "starts_on": "2026-06-20",
            "ends_on": "2026-06-21",
            "member_ids": [str(m) for m in member_ids],
        },
    )


@time_machine.travel(NOW, tick=False)
def test_an_undeclared_lead_is_not_accepted_nor_plans(app, app_ctx):
    parties = factories.Parties()
    applied = factories.project(parties, ProjectStatus.APPLIED)
    undeclare(parties.lead)
    refused = act(
        browser_for(app, parties.evaluator),
        applied.id,
        "accept_application",
        {"lead_evaluator_id": str(parties.lead.id)},
    )
    assert refused.status_code == 422  # beside the lead's field
    assert parties.lead.name in error_beside(
        soup_of(refused), "accept_application-lead_evaluator_id"
    )
    db.session.expire_all()
    assert db.session.get(Project, applied.id).status == ProjectStatus.APPLIED


@time_machine.travel(NOW, tick=False)
def test_stage_audit_team_refuses_the_undeclared_and_the_conflicted(app, app_ctx):
    parties = factories.Parties()
    accepted = factories.project(parties, ProjectStatus.ACCEPTED)
    db.session.commit()
    lead = browser_for(app, parties.lead)
    # The candidates show their state while the team is chosen.
    undeclare(parties.evaluator)
    page = text(lead.get(f"/projects/{accepted.id}"))
    assert f"{parties.evaluator.name} (未签署承诺书 · " in page
    refused = _plan(lead, accepted, [parties.evaluator.id])
    assert refused.status_code == 422
    assert parties.evaluator.name in error_beside(soup_of(refused), TEAM)
    factories.declaration(parties.evaluator)
    conflict(parties.evaluator, parties.enterprise_org)
    refused = _plan(lead, accepted, [parties.evaluator.id])
    assert refused.status_code == 422
    assert parties.evaluator.name in error_beside(soup_of(refused), TEAM)
    # A conflict that ended before the audit does not bar; the team is set.
    db.session.execute(sa.update(ConflictOfInterest).values(ends_on=date(2025, 12, 31)))
    db.session.commit()
    assert _plan(lead, accepted, [parties.evaluator.id]).status_code == 302
    # The lead alone, undeclared, is refused too.
    other = factories.project(factories.Parties(), ProjectStatus.ACCEPTED)
    db.session.commit()
    other_lead = db.session.get(Project, other.id).lead_evaluator
    undeclare(other_lead)
    refused = _plan(browser_for(app, other_lead), other)
    assert refused.status_code == 409
    assert other_lead.name in text(refused)


def _issued(parties):
    staff = factories.alliance_staff()
    with time_machine.travel(datetime(2026, 3, 2, 2), tick=False):
        certificate = issue_for(factories.project(parties, ProjectStatus.READY_TO_ISSUE), staff)
    db.session.commit()
    return certificate


def _item(certificate, kind):
    db.session.expire_all()
    return db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id, ScheduleItem.kind == kind
        )
    )


def _plan_item(browser, certificate, item, member_id, starts="2027-02-10"):
    return browser.submit(
        f"/certificates/{certificate.number}",
        {"starts_on": starts, "ends_on": starts, "member_ids": str(member_id)},
        action=f"/certificates/{certificate.number}/schedule/{item.id}/plan",
    )


def test_surveillance_and_recertification_teams_are_held_to_the_rule(app, app_ctx):
    parties = factories.Parties()
    certificate = _issued(parties)
    first = _item(certificate, ScheduleKind.SURVEILLANCE_1)
    with time_machine.travel(datetime(2027, 2, 10, 2), tick=False):
        undeclare(parties.evaluator)
        lead = browser_for(app, parties.lead)
        refused = _plan_item(lead, certificate, first, parties.evaluator.id)
        assert refused.status_code == 422
        assert parties.evaluator.name in error_beside(soup_of(refused), "s-team")
        assert _item(certificate, ScheduleKind.SURVEILLANCE_1).status == ScheduleStatus.OPEN
    recertification = _item(certificate, ScheduleKind.RECERTIFICATION)
    for done in db.session.scalars(
        sa.select(ScheduleItem).where(
            ScheduleItem.certificate_id == certificate.id,
            ScheduleItem.kind != ScheduleKind.RECERTIFICATION,
        )
    ):
        done.status = ScheduleStatus.DONE
    factories.declaration(parties.evaluator)
    conflict(parties.evaluator, parties.enterprise_org, starts_on=date(2028, 6, 1))
    with time_machine.travel(datetime(2029, 1, 10, 2), tick=False):
        lead = browser_for(app, parties.lead)
        refused = _plan_item(lead, certificate, recertification, parties.evaluator.id, "2029-01-08")
        assert refused.status_code == 422
        assert parties.evaluator.name in error_beside(soup_of(refused), "s-team")
        assert _item(certificate, ScheduleKind.RECERTIFICATION).audit_id is None


# --- the refusals in the review ---------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_undeclared_or_conflicted_reviewer_decides_no_review(app, app_ctx):
    parties = factories.Parties()
    confirmed = factories.project(parties, ProjectStatus.CONFIRMED)
    reviewer = factories.alliance_staff(declared=False)
    conflicted = factories.alliance_staff()
    db.session.commit()
    conflict(conflicted, parties.enterprise_org)
    for person in (reviewer, conflicted):
        browser = browser_for(app, person)
        page = text(browser.get(f"/projects/{confirmed.id}"))
        assert person.name in page  # the option is shown disabled with its reason
        refused = act(browser, confirmed.id, "pass_compliance")
        assert refused.status_code == 409
        assert person.name in text(refused)
    db.session.expire_all()
    assert db.session.get(Project, confirmed.id).status == ProjectStatus.CONFIRMED
    declared = factories.alliance_staff()
    db.session.commit()
    assert act(browser_for(app, declared), confirmed.id, "pass_compliance").status_code == 302


# --- the reminder, the list ------------------------------------------------------------------


def test_the_yearly_reminder_is_sent_once_in_the_recipient_s_language(app, app_ctx):
    body = factories.organisation(OrgKind.EVALUATION_BODY)
    english = factories.user(body, role=Role.EVALUATOR, locale="en")
    chinese = factories.user(body, role=Role.EVALUATOR, locale="zh", declared=False)
    # English signed 2026's only.
    db.session.execute(
        sa.update(ImpartialityDeclaration)
        .where(ImpartialityDeclaration.user_id == english.id)
        .values(year=2026, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31))
    )
    db.session.commit()

    def sent(user):
        return db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
        ).all()

    with time_machine.travel(datetime(2026, 12, 20, 2), tick=False):
        reminders.remind()
        assert sent(english) == []
        assert len(sent(chinese)) == 1
    with time_machine.travel(datetime(2027, 1, 2, 2), tick=False):
        reminders.remind()
        reminders.remind()  # a rerun tells nobody twice
        assert len(sent(chinese)) == 2  # once a year: 2026's, 2027's
        (mail,) = sent(english)
        assert mail.dedup_key == f"declaration:{english.id}:2027"
        assert "impartiality declaration for 2027" in mail.subject
        assert "/declarations/" in mail.body_text
    with time_machine.travel(datetime(2028, 1, 3, 2), tick=False):
        reminders.remind()
        assert len(sent(chinese)) == 3
        assert "2028" in sent(chinese)[-1].subject and "公正性" in sent(chinese)[-1].subject


def _people(app):
    alliance = factories.organisation(OrgKind.ALLIANCE)
    viewer = factories.user(alliance, role=Role.ALLIANCE_STAFF, name="甲审查")
    body = factories.organisation(OrgKind.EVALUATION_BODY, name="乙评定机构")
    factories.user(body, role=Role.EVALUATOR, name="乙评定一", is_org_admin=True)
    factories.user(body, role=Role.EVALUATOR, name="乙评定二", declared=False)
    factories.user(alliance, role=Role.ALLIANCE_STAFF, name="甲复核", declared=False)
    db.session.commit()
    return viewer, body


def _excel(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))


@time_machine.travel(NOW, tick=False)
def test_the_list_filters_and_its_excel_holds_exactly_the_filtered_rows(app, app_ctx):
    viewer, body = _people(app)
    browser = browser_for(app, viewer)
    args = {"declared": "no", "sort": "name"}
    page = text(browser.get("/declarations/people", query_string=args))
    assert "乙评定二" in page and "甲复核" in page and "乙评定一" not in page
    rows = _excel(browser.get("/declarations/people.xlsx", query_string=args))
    ours = {"乙评定二", "甲复核", "乙评定一", "甲审查"}
    names = [row[0] for row in rows if row and row[0] in ours]
    assert sorted(names) == ["乙评定二", "甲复核"]
    args = {"body": str(body.id), "declared": "yes"}
    rows = _excel(browser.get("/declarations/people.xlsx", query_string=args))
    assert [row[0] for row in rows if row and row[0] in {"乙评定一", "乙评定二"}] == ["乙评定一"]
    # The body's administrator sees its own evaluators, not the alliance's list.
    admin = db.session.scalar(sa.select(factories.User).where(factories.User.name == "乙评定一"))
    own = browser_for(app, admin)
    assert own.get("/declarations/people").status_code == 403
    mine = text(own.get("/declarations/evaluators", query_string={"declared": "no"}))
    assert "乙评定二" in mine and "甲复核" not in mine
    # Their work list names who has not signed; the undeclared person's own asks them to sign.
    assert "乙评定二" in text(own.get("/dashboard"))
    undeclared = db.session.scalar(
        sa.select(factories.User).where(factories.User.name == "乙评定二")
    )
    assert "/declarations/" in text(browser_for(app, undeclared).get("/dashboard"))


@time_machine.travel(NOW, tick=False)
def test_the_list_costs_the_same_queries_for_few_or_many(app, app_ctx, count_queries):
    viewer, body = _people(app)
    browser = browser_for(app, viewer)
    with count_queries() as few:
        browser.get("/declarations/people")
    for n in range(8):
        factories.user(body, role=Role.EVALUATOR, declared=n % 2 == 0)
    db.session.commit()
    with count_queries() as many:
        browser.get("/declarations/people")
    assert many.count == few.count
