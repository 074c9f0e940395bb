"""The clause catalogue pages: alliance staff list, search, edit and add GB/T 23001-2017 clauses."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from app.extensions import db
from blueprints.reference.loader import load_clauses
from models import Clause, OrgKind, Role
from tests import factories


@pytest.fixture
def staff(app):
    load_clauses()  # the catalogue, whether or not the session seed already loaded it
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    return factories.user(alliance, role=Role.ALLIANCE_STAFF)


@pytest.fixture
def signed_in(browser, staff):
    browser.login(staff.email, factories.PASSWORD)
    return browser


def in_chinese(app, message: str, **values) -> str:
    """What the zh catalogue shows for an English msgid (the staff user's language is zh)."""
    with app.test_request_context(), force_locale("zh"):
        return gettext(message, **values)


def fresh(code: str) -> Clause | None:
    db.session.expire_all()
    return db.session.get(Clause, code)


def test_staff_lists_the_catalogue_in_standard_order(signed_in):
    response = signed_in.get("/clauses/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "内部审核" in html and "Internal audit" in html
    assert html.index(">9.5.3<") < html.index(">10<")  # numeric order, not string order
    assert 'href="/clauses/9.3/edit"' in html


def test_list_is_one_select_on_clauses(signed_in, count_queries):
    with count_queries() as counter:
        assert signed_in.get("/clauses/?q=审核").status_code == 200
    assert sum("FROM clauses" in s for s in counter.statements) == 1


@pytest.mark.parametrize(
    ("q", "present", "absent"),
    [
        ("内部审核", ">9.3<", ">5.1<"),
        ("INTERNAL AUDIT", ">9.3<", ">5.1<"),  # English titles match case-insensitively
        ("9.5", ">9.5.2<", ">9.3<"),  # a code matches its sub-clauses
        ("nothing-like-this", "No clause matches.", ">9.3<"),
    ],
)
def test_search_by_code_or_title(signed_in, q, present, absent):
    html = signed_in.get("/clauses/", query_string={"q": q, "lang": "en"}).get_data(as_text=True)
    assert present in html
    assert absent not in html


def test_staff_edits_titles_and_active_flag(signed_in):
    page = "/clauses/9.3/edit"
    assert signed_in.get(page).status_code == 200
    response = signed_in.submit(
        page, {"title": " 内部审核（修订） ", "title_en": "Internal audits"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/clauses/")
    saved = fresh("9.3")
    assert (saved.title, saved.title_en, saved.active) == (
        "内部审核（修订）",
        "Internal audits",
        False,
    )
    assert "内部审核（修订）" in signed_in.get("/clauses/").get_data(as_text=True)


def test_edit_requires_both_titles_within_200_characters(signed_in):
    response = signed_in.submit(
        "/clauses/9.3/edit", {"title": "", "title_en": "x" * 201, "active": "y"}
    )
    assert response.status_code == 422
    assert 'id="title"' in response.get_data(as_text=True)
    assert response.get_data(as_text=True).count("invalid-feedback") >= 2
    assert fresh("9.3").title_en == "Internal audit"


def test_staff_adds_a_clause(app, signed_in):
    response = signed_in.submit(
        "/clauses/new",
        {"code": "10.3", "title": "创新与优化", "title_en": "Innovation", "active": "y"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert in_chinese(app, "Clause %(code)s has been added.", code="10.3") in html
    added = fresh("10.3")
    assert (added.title, added.title_en, added.active, added.sort_key) == (
        "创新与优化",
        "Innovation",
        True,
        "010.003",
    )
    assert html.index(">10.2<") < html.index(">10.3<")


@pytest.mark.parametrize(
    ("code", "message", "values"),
    [
        ("9.3", "Clause %(code)s already exists.", {"code": "9.3"}),
        (
            "9..3",
            "A clause number is numbers of up to three digits joined by dots, such as 9.3 or "
            "4.4.3.1.",
            {},
        ),
        (
            "11.1",
            "Clause %(parent)s does not exist: add it before its sub-clauses.",
            {"parent": "11"},
        ),
    ],
    ids=["duplicate", "malformed", "orphan"],
)
def test_bad_code_gets_a_translated_error(app, signed_in, code, message, values):
    response = signed_in.submit(
        "/clauses/new", {"code": code, "title": "标题", "title_en": "Title", "active": "y"}
    )
    assert response.status_code == 422
    assert in_chinese(app, message, **values) in response.get_data(as_text=True)
    if code != "9.3":
        assert fresh(code) is None
    else:
        assert fresh("9.3").title == "内部审核"


def test_unknown_clause_is_404(signed_in):
    assert signed_in.get("/clauses/99.99/edit").status_code == 404
    response = signed_in.submit(
        "/clauses/", {"title": "x", "title_en": "x"}, action="/clauses/99.99/edit"
    )
    assert response.status_code == 404


def test_post_without_csrf_token_is_400(signed_in):
    response = signed_in.client.post(
        "/clauses/9.3/edit", data={"title": "篡改", "title_en": "Tampered"}
    )
    assert response.status_code == 400
    assert fresh("9.3").title == "内部审核"


@pytest.mark.parametrize("path", ["/clauses/", "/clauses/new", "/clauses/9.3/edit"])
def test_enterprise_user_is_refused(browser, staff, path):
    enterprise = factories.user()
    browser.login(enterprise.email, factories.PASSWORD)
    assert browser.get(path).status_code == 403
    if path != "/clauses/":  # the list only answers GET
        posted = browser.submit(
            "/dashboard", {"code": "10.9", "title": "x", "title_en": "x"}, action=path
        )
        assert posted.status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, staff):
    response = client.get("/clauses/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
