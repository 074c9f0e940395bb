"""The buttons a page offers are exactly what the transition table allows this user now.

Generated from the tables: for every state of a project and of a certificate, and for each
party (the enterprise, its consultant, the lead evaluator, another evaluator of the body,
alliance staff, an authority), the action buttons read from the rendered page are the actions
``workflow.offered`` gives that user in that state (less those taken elsewhere), each enabled
— or disabled with the reason of its first refusing guard, the guards being run here directly
as the oracle. Someone who may not see the page is offered nothing by the table either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from bs4 import BeautifulSoup
from dateutil.relativedelta import relativedelta

from app import workflow
from app.clock import local_today
from app.extensions import db
from app.security import passwords
from blueprints.certificates import transitions as certificate_table
from blueprints.projects import transitions as project_table
from models import CertificateStatus, OrgKind, ProjectStatus, Role, User
from tests import factories
from tests.conftest import Browser

# Signing in at Argon2's production cost would be most of this file's time: the users get a
# cheap hash of the same password (as in test_state_machines), undone after each test.
_QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_QUICK_HASH = _QUICK_HASHER.hash(factories.PASSWORD)


@pytest.fixture(autouse=True)
def _quick_sign_in(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", _QUICK_HASHER)
    monkeypatch.setitem(factories._hash_cache, factories.PASSWORD, _QUICK_HASH)


class Cast(factories.Parties):
    def __init__(self):
        super().__init__()
        self.staff = factories.alliance_staff()
        self.authority = factories.user(factories.organisation(OrgKind.AUTHORITY, region="310000"))


PARTIES: dict[str, Callable[[Cast], User]] = {
    "enterprise": lambda c: c.enterprise,
    "consultant": lambda c: c.consultant,
    "lead evaluator": lambda c: c.lead,
    "another evaluator": lambda c: c.evaluator,
    "alliance staff": lambda c: c.staff,
    "authority": lambda c: c.authority,
}

# What a page shows per action: None (enabled) or the reason it is disabled.
Shown = dict[str, str | None]


def expected(table, obj, state, user, on_this_page: Callable[[str], bool]) -> Shown:
    """From the table: the actions offered to ``user`` in ``state``, each with the reason of
    the first of its guards that refuses (None: it can be done now)."""
    result: Shown = {}
    for name in workflow.offered(table, obj, state, user):
        if not on_this_page(name):
            continue
        transition = workflow.find(table, name, state)
        reasons = (guard(obj, user) for guard in transition.guards)
        result[name] = next((reason for reason in reasons if reason), None)
    return result


def buttons(html: str, section_id: str) -> Shown:
    """From the page: the action buttons of a section, with the reason of a disabled one."""
    section = BeautifulSoup(html, "html.parser").find(id=section_id)
    if section is None:
        return {}
    shown: Shown = {}
    for button in section.find_all("button", attrs={"data-action": True}):
        name = str(button["data-action"])
        assert name not in shown, f"{name} offered twice"
        if button.has_attr("disabled"):
            why = section.find(id=button.get("aria-describedby"))
            assert why is not None, f"{name} is disabled without a reason"
            shown[name] = why.get_text(" ", strip=True)
        else:
            shown[name] = None
    return shown


def signed_in(app, user: User) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.email, factories.PASSWORD).status_code == 302
    return browser


def check_every_party(app, cast: Cast, url: str, section_id: str, expectation) -> None:
    problems = []
    for party, person in PARTIES.items():
        user = person(cast)
        want = expectation(user)
        response = signed_in(app, user).get(url)
        if response.status_code in (403, 404):
            got: Shown = {}  # not a party to it: the page is not theirs
        else:
            assert response.status_code == 200, (party, response.status_code)
            got = buttons(response.get_data(as_text=True), section_id)
        if got != want:
            problems.append(f"{party}: the page offers {got}, the table {want}")
    assert not problems, "\n".join(problems)


# What a state implies beyond the factory's defaults: a project in publicity is announced in a
# batch (with an objection waiting).
COMPLETE = {ProjectStatus.IN_PUBLICITY: lambda cast, p: factories.objection(p, cast.staff)}


@pytest.mark.parametrize("status", list(ProjectStatus), ids=lambda s: s.value)
def test_project_page_offers_what_the_table_allows(app, app_ctx, status):
    cast = Cast()
    project = factories.project(cast, status)
    if status in COMPLETE:
        COMPLETE[status](cast, project)
    db.session.commit()  # release the savepoint: the requests see the rows

    def expectation(user: User) -> Shown:
        db.session.expire_all()
        return expected(
            project_table.TRANSITIONS,
            project,
            project.status,
            user,
            lambda name: name not in project_table.ON_THE_PUBLICITY_DESK,
        )

    check_every_party(app, cast, f"/projects/{project.id}", "actions", expectation)


def _past_expiry(certificate) -> None:
    certificate.effective_on = local_today() - relativedelta(years=3, days=1)
    certificate.expires_on = local_today() - timedelta(days=1)


CERTIFICATE_STATES = [
    *((status, None) for status in CertificateStatus),
    # Stored as in force, but past the expiry date the scheduler has not marked yet: the
    # lifecycle actions are offered disabled, with the date.
    (CertificateStatus.VALID, _past_expiry),
    (CertificateStatus.SUSPENDED, _past_expiry),
]


@pytest.mark.parametrize(
    ("status", "change"),
    CERTIFICATE_STATES,
    ids=[f"{s.value}{'-past-expiry' if c else ''}" for s, c in CERTIFICATE_STATES],
)
def test_certificate_page_offers_what_the_table_allows(app, app_ctx, status, change):
    cast = Cast()
    certificate = factories.certificate(cast, status, staff=cast.staff)
    if change is not None:
        change(certificate)
    db.session.commit()

    def expectation(user: User) -> Shown:
        db.session.expire_all()
        return expected(
            certificate_table.TRANSITIONS,
            certificate,
            certificate.status,
            user,
            lambda name: name in certificate_table.STAFF_ACTION_TITLES,
        )

    check_every_party(app, cast, f"/certificates/{certificate.number}", "lifecycle", expectation)


def test_the_generated_cases_see_both_kinds_of_button(app, app_ctx):
    """The oracle is not vacuous: some state offers an action disabled with a reason (the
    conclusion before the audit report) and another one enabled."""
    cast = Cast()
    project = factories.project(cast, ProjectStatus.CORRECTION, stage2_completed_on=local_today())
    db.session.commit()
    html = signed_in(app, cast.lead).get(f"/projects/{project.id}").get_data(as_text=True)
    shown = buttons(html, "actions")
    assert shown["recommend"] and shown["not_recommend"]  # both wait for the audit report
    admin = factories.user(cast.staff.organisation, role=Role.ADMIN)
    db.session.commit()
    valid = factories.certificate(cast, staff=cast.staff)
    db.session.commit()
    page = signed_in(app, admin).get(f"/certificates/{valid.number}").get_data(as_text=True)
    assert buttons(page, "lifecycle") == dict.fromkeys(
        ("suspend", "revoke", "cancel", "reissue"), None
    )
