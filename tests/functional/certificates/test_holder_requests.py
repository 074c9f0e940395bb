"""The alliance's queue of holder requests: carry one out, decline one, never twice."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.errors import WorkflowError
from app.extensions import db
from blueprints.certificates import holder_requests
from blueprints.certificates.request_transitions import ACTION_NAMES, RequestState, state_of
from blueprints.certificates.services import perform as change
from blueprints.certificates.services import request_change
from models import Certificate, CertificateRequest, CertificateStatus, RequestOutcome
from tests import factories
from tests.functional.projects.helpers import browser_for

QUEUE = "/certificates/requests"


@pytest.fixture
def holder(app_ctx):
    parties = factories.Parties()
    staff = factories.alliance_staff()
    certificate = factories.certificate(parties, staff=staff)
    return parties, staff, certificate


def ask(parties, certificate, kind="reissue", **particulars) -> CertificateRequest:
    if kind == "reissue":
        particulars.setdefault("new_name", "上海更名后精密装备有限公司")
    return request_change(certificate, parties.enterprise, kind, "企业更名", **particulars)


def decide(browser, item: CertificateRequest, action: str, reason: str = "", version=None):
    return browser.submit(
        QUEUE,
        {"reason": reason, "version": item.lock_version if version is None else version},
        action=f"{QUEUE}/{item.id}/{action}",
    )


def reload(item: CertificateRequest) -> CertificateRequest:
    db.session.expire_all()
    return db.session.get(CertificateRequest, item.id)


def test_carrying_out_a_reissue_issues_the_new_certificate(app, holder):
    parties, staff, certificate = holder
    item = ask(parties, certificate)
    db.session.commit()
    browser = browser_for(app, staff)
    page = browser.get(QUEUE).get_data(as_text=True)
    assert f'id="request-{item.id}"' in page and certificate.number in page
    response = decide(browser, item, "carry_out", "已核对营业执照")
    assert response.status_code == 302
    done = reload(item)
    assert done.outcome == RequestOutcome.DONE and done.handled_by_id == staff.id
    assert done.decision_reason == "已核对营业执照"
    old = db.session.get(Certificate, certificate.id)
    assert old.status == CertificateStatus.SUPERSEDED
    new = db.session.scalar(sa.select(Certificate).where(Certificate.supersedes_id == old.id))
    assert new.enterprise_name == "上海更名后精密装备有限公司" and new.issue_no == 2
    assert new.events[-1].reason == "企业更名"  # the holder's reason is the record's
    # Gone from the open queue, listed among the decided ones.
    assert f'id="request-{item.id}"' not in browser.get(QUEUE).get_data(as_text=True)
    decided = browser.get(f"{QUEUE}?view=decided").get_data(as_text=True)
    assert f'id="request-{item.id}"' in decided and "已执行" in decided


def test_carrying_out_a_cancellation_cancels_the_certificate(app, holder):
    parties, staff, certificate = holder
    item = ask(parties, certificate, "cancel")
    db.session.commit()
    assert decide(browser_for(app, staff), item, "carry_out").status_code == 302
    assert reload(item).outcome == RequestOutcome.DONE
    assert db.session.get(Certificate, certificate.id).status == CertificateStatus.CANCELLED


def test_declining_needs_a_reason_and_leaves_the_certificate_alone(app, holder):
    parties, staff, certificate = holder
    item = ask(parties, certificate)
    db.session.commit()
    browser = browser_for(app, staff)
    refused = decide(browser, item, "decline", "")
    assert refused.status_code == 422  # the page again, the error at the field
    page = refused.get_data(as_text=True)
    assert re.search(rf'id="reason-decline-{item.id}"', page)
    assert "请填写拒绝该申请的理由" in page
    assert reload(item).is_open
    assert decide(browser, item, "decline", "未提供更名证明").status_code == 302
    declined = reload(item)
    assert declined.outcome == RequestOutcome.DECLINED
    assert declined.decision_reason == "未提供更名证明" and not declined.is_open
    unchanged = db.session.get(Certificate, certificate.id)
    assert unchanged.status == CertificateStatus.VALID and unchanged.issue_no == 1


def test_a_stale_form_and_a_second_decision_are_refused(app, holder):
    parties, staff, certificate = holder
    item = ask(parties, certificate)
    db.session.commit()
    browser = browser_for(app, staff)
    seen = item.lock_version
    assert decide(browser, item, "decline", "理由").status_code == 302
    # The same form again (a second click, another tab): its version is gone.
    assert decide(browser, item, "carry_out", version=seen).status_code == 409
    # With the current version, the request is no longer open.
    assert decide(browser, reload(item), "carry_out").status_code == 409
    assert db.session.get(Certificate, certificate.id).status == CertificateStatus.VALID


def test_a_request_the_certificate_no_longer_allows_is_offered_disabled(app, holder):
    parties, staff, certificate = holder
    item = ask(parties, certificate)
    certificate.status = CertificateStatus.SUSPENDED  # a reissue needs a valid certificate
    db.session.commit()
    browser = browser_for(app, staff)
    page = browser.get(QUEUE).get_data(as_text=True)
    assert re.search(r"<button[^>]*disabled[^>]*>执行申请", page)
    assert decide(browser, item, "carry_out").status_code == 409
    assert reload(item).is_open


def test_only_alliance_staff_reach_the_queue(app, holder):
    parties, _staff, certificate = holder
    item = ask(parties, certificate, "cancel")
    db.session.commit()
    for person in (parties.enterprise, parties.lead, factories.user()):
        db.session.commit()
        browser = browser_for(app, person)
        assert browser.get(QUEUE).status_code == 403
        refused = browser.client.post(f"{QUEUE}/{item.id}/carry_out", data={"reason": "x"})
        assert refused.status_code in (400, 403)  # no CSRF token, and no permission anyway
    staff = browser_for(app, factories.alliance_staff())
    db.session.commit()
    assert decide(staff, item, "nonsense").status_code == 404
    missing = staff.submit(QUEUE, {"reason": "x"}, action=f"{QUEUE}/999999/decline")
    assert missing.status_code == 404
    assert reload(item).is_open


def test_the_queue_searches_and_pages(app, holder):
    parties, staff, certificate = holder
    ask(parties, certificate, "cancel")
    other = factories.Parties()
    second = factories.certificate(other, staff=staff)
    request_change(second, other.enterprise, "cancel", "停产")
    db.session.commit()
    browser = browser_for(app, staff)
    found = browser.get(f"{QUEUE}?q={second.number.lower()}").get_data(as_text=True)
    assert second.number in found and certificate.number not in found
    by_name = browser.get(f"{QUEUE}?q={certificate.enterprise_name}").get_data(as_text=True)
    assert certificate.number in by_name and second.number not in by_name


@pytest.mark.parametrize("state", ["done", "declined", "closed"])
def test_a_request_no_longer_open_refuses_every_decision(holder, state):
    """From the table: every action, from every state but open, is refused and moves nothing."""
    parties, staff, certificate = holder
    item = ask(parties, certificate, "cancel")
    if state == "closed":  # its certificate left force first: revoked from its own page
        change(certificate, "revoke", staff, "严重违规")
    else:
        holder_requests.decide(item, "carry_out" if state == "done" else "decline", staff, "理由")
    assert state_of(item) == RequestState(state)
    before = (item.outcome, item.handled_at, item.lock_version, certificate.status)
    for action in ACTION_NAMES:
        with pytest.raises(WorkflowError):
            holder_requests.decide(item, action, staff, "再次")
    db.session.expire_all()
    item = db.session.get(CertificateRequest, item.id)
    after = (item.outcome, item.handled_at, item.lock_version, item.certificate.status)
    assert after == before
