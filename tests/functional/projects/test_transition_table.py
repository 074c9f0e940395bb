"""Every transition the table does not allow is refused with 409, and nothing changes."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.projects.transitions import ACTION_NAMES, TRANSITIONS
from models import Project, ProjectEvent, ProjectStatus
from tests import factories
from tests.conftest import Browser

ALLOWED = {(status, t.name) for t in TRANSITIONS for status in t.sources}
ILLEGAL = sorted(
    (
        (status, name)
        for status in ProjectStatus
        for name in ACTION_NAMES
        if (status, name) not in ALLOWED
    ),
    key=lambda pair: (pair[0].value, pair[1]),
)


def snapshot(project_id: int):
    db.session.expire_all()
    project = db.session.get(Project, project_id)
    events = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ProjectEvent)
        .where(ProjectEvent.project_id == project_id)
    )
    return project.status, project.lock_version, events


@pytest.mark.parametrize(("status", "name"), ILLEGAL, ids=lambda v: getattr(v, "value", v))
def test_illegal_transition_is_refused(app, app_ctx, status, name):
    parties = factories.Parties()
    project = factories.project(parties, status)
    before = snapshot(project.id)
    db.session.commit()  # release the savepoint so the request's session sees the rows
    # The state is checked first, so whoever asks gets the same refusal.
    browser = Browser(app.test_client())
    browser.login(parties.enterprise.email, factories.PASSWORD)
    response = browser.submit("/dashboard", {}, action=f"/projects/{project.id}/actions/{name}")
    assert response.status_code == 409, response.status_code
    assert "当前状态" in response.get_data(as_text=True)
    assert snapshot(project.id) == before


WRONG_PARTY = [
    ("invite_consultancy", ProjectStatus.STARTED, "consultant"),
    ("consult_ourselves", ProjectStatus.STARTED, "lead"),
    ("accept_engagement", ProjectStatus.CONSULTANCY_INVITED, "enterprise"),
    ("complete_step", ProjectStatus.KICKOFF, "enterprise"),
    ("apply", ProjectStatus.READY_TO_APPLY, "consultant"),
    ("accept_application", ProjectStatus.APPLIED, "enterprise"),
    ("plan_stage1", ProjectStatus.ACCEPTED, "evaluator"),
    ("complete_stage2", ProjectStatus.STAGE2_PLANNED, "evaluator"),
    ("confirm", ProjectStatus.CONCLUDED, "lead"),
]


@pytest.mark.parametrize(("name", "status", "who"), WRONG_PARTY)
def test_wrong_role_is_refused(app, app_ctx, name, status, who):
    parties = factories.Parties()
    project = factories.project(parties, status)
    before = snapshot(project.id)
    db.session.commit()
    browser = Browser(app.test_client())
    browser.login(getattr(parties, who).email, factories.PASSWORD)
    response = browser.submit("/dashboard", {}, action=f"/projects/{project.id}/actions/{name}")
    # 409 for a party acting out of turn; 404 for someone who is no party to the project.
    assert response.status_code in (409, 404), response.status_code
    assert snapshot(project.id) == before


def test_outsider_gets_404(app, app_ctx):
    parties = factories.Parties()
    project = factories.project(parties, ProjectStatus.APPLIED)
    db.session.commit()
    outsider = Browser(app.test_client())
    outsider.login(factories.user().email, factories.PASSWORD)
    assert outsider.get(f"/projects/{project.id}").status_code == 404
    response = outsider.submit("/dashboard", {}, action=f"/projects/{project.id}/actions/withdraw")
    assert response.status_code == 404
