"""The organisation list's search: the name by its character tokens (the GIN index on
PostgreSQL, LIKE on SQLite: the same rows), the credit code by its beginning, within what
the viewer may see."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from models import OrgKind, Role
from models.pinyin import initials
from models.search_tokens import name_tokens
from tests import factories
from tests.conftest import Browser

NAMES = {
    "jx": ("乌鲁木齐天山机械制造有限公司", "650102"),
    "jxc": ("新疆机械厂", "650102"),
    "rev": ("昌吉械厂机械贸易有限公司", "652301"),  # 机械 and 械厂, not 机械厂
    "apart": ("喀什机电械具有限公司", "653101"),
    "latin": ("克拉玛依XJ能源科技有限公司", "650203"),
    "pudong": ("上海浦东机械有限公司", "310115"),
}


@pytest.fixture
def orgs(app_ctx):
    made = {}
    for key, (name, region) in NAMES.items():
        made[key] = factories.organisation(
            name=name, region=region, credit_code=factories.credit_code(region)
        )
    db.session.commit()
    return made


def signed_in(app, user):
    client = app.test_client()
    Browser(client).login(user.email, factories.PASSWORD)
    return client


def listed(client, q: str) -> set[str]:
    html = client.get("/orgs/", query_string={"q": q}).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr td:first-child a")
    return {row.get_text(strip=True) for row in rows}


def keys(names: set[str]) -> set[str]:
    found = {key for key, (name, _region) in NAMES.items() if name in names}
    assert len(found) == len(names), f"unexpected rows: {names}"  # nothing else
    return found


@pytest.fixture
def admin(app, orgs):
    alliance = factories.organisation(OrgKind.ALLIANCE, region="110000")
    return signed_in(app, factories.user(alliance, role=Role.ADMIN))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("械", {"jx", "jxc", "rev", "apart", "pudong"}),
        ("机械", {"jx", "jxc", "rev", "pudong"}),
        ("机械厂", {"jxc"}),
        ("天山 机械", {"jx"}),
        ("xj", {"latin", "jxc"}),  # XJ能源, and 新疆机械厂's initials (xjjxc)
        ("XJ能源", {"latin"}),
        ("机械有限", {"pudong"}),  # not 机械制造有限
        ("重庆", set()),
    ],
)
def test_names_by_their_characters(app, admin, q, expected):
    assert keys(listed(admin, q)) == expected


def test_credit_codes_by_their_beginning(app, admin, orgs):
    assert keys(listed(admin, orgs["latin"].credit_code)) == {"latin"}
    assert keys(listed(admin, orgs["latin"].credit_code.lower())) == {"latin"}
    assert keys(listed(admin, "91650102")) == {"jx", "jxc"}
    assert keys(listed(admin, "9165")) == {"jx", "jxc", "rev", "apart", "latin"}
    assert keys(listed(admin, "91650102_")) == set()


def test_the_search_stays_within_the_viewers_region(app, orgs):
    xinjiang = factories.organisation(OrgKind.AUTHORITY, region="650000")
    official = signed_in(app, factories.user(xinjiang, role=Role.AUTHORITY))
    assert keys(listed(official, "机械")) == {"jx", "jxc", "rev"}
    assert keys(listed(official, "91310115")) == set()


def test_a_renamed_organisation_is_found_by_its_new_name(app, admin, orgs):
    org = orgs["apart"]
    org.name = "喀什丝路纺织有限公司"
    db.session.commit()
    assert org.name_tokens == name_tokens("喀什丝路纺织有限公司")
    assert org.name_initials == initials("喀什丝路纺织有限公司") == "ksslfzyxgs"
    assert listed(admin, "纺织") == {"喀什丝路纺织有限公司"}
    assert listed(admin, "kssl") == {"喀什丝路纺织有限公司"}  # by the new initials
    assert keys(listed(admin, "机电")) == set()
    assert keys(listed(admin, "ksjd")) == set()  # not by the old ones (喀什机电)


SHENZHEN = "深圳精工机械有限公司"


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("szjg", True),
        ("SZJG", True),
        ("sz", True),  # two letters: the beginning of the initials
        ("jgjx", True),  # three or more: anywhere in them
        ("szjgjxyxgs", True),  # all of them
        ("jg", False),  # two letters not at the beginning
        ("szjx", False),  # letters in another order
        ("zsjg", False),
    ],
)
def test_names_by_their_pinyin_initials(app, admin, q, found):
    shenzhen = factories.organisation(
        name=SHENZHEN, region="440300", credit_code=factories.credit_code("440300")
    )
    db.session.commit()
    assert shenzhen.name_initials == "szjgjxyxgs"
    assert (SHENZHEN in listed(admin, q)) is found


def test_initials_do_not_widen_a_chinese_term(app, admin):
    factories.organisation(
        name=SHENZHEN, region="440300", credit_code=factories.credit_code("440300")
    )
    db.session.commit()
    assert listed(admin, "深圳") == {SHENZHEN}
    assert listed(admin, "sz精工") == set()  # Chinese in the term: the name only
    assert keys(listed(admin, "shpd")) == {"pudong"}
