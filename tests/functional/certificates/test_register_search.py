"""The public register's search: names by character tokens (a GIN index on PostgreSQL, LIKE
on SQLite: the same rows), numbers by prefix, and a count that stops at a bound."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.extensions import db
from app.public_cache import register_memo
from blueprints.certificates import queries
from models import Certificate, CertificateStatus
from models.pinyin import initials
from models.search_tokens import name_tokens
from tests import factories

NAMES = {
    "jx1": "上海精工机械有限公司",
    "jx2": "苏州机械厂",
    "rev": "杭州械厂机械贸易有限公司",  # 机械 and 械厂, but not 机械厂
    "apart": "宁波机电械具有限公司",  # 机 … 械, not together
    "swap": "南京械机贸易有限公司",  # 械机, not 机械
    "steel": "天津钢铁集团有限公司",
    "latin": "深圳ABC智能科技有限公司",
    "chem": "南京化工机械股份有限公司",
}


def _copy(template: Certificate, name: str, number: str, serial: int, **fields) -> Certificate:
    certificate = Certificate(
        number=number,
        body_id=template.body_id,
        serial=serial,
        issue_no=1,
        project_id=template.project_id,
        organisation_id=template.organisation_id,
        enterprise_name=name,
        address=template.address,
        region_code=template.region_code,
        capabilities=[],
        scope="",
        effective_on=date(2025, 1, 1),
        expires_on=date(2028, 1, 1),
        **fields,
    )
    db.session.add(certificate)
    return certificate


@pytest.fixture
def named(app_ctx):
    """The certificates of NAMES (numbers CSAIII-951…, the last two CSAIII-952…), the
    factory's own certificate, and a superseded one that shares a name."""
    template = factories.certificate(factories.Parties())
    made = {}
    for i, (key, name) in enumerate(NAMES.items()):
        code = "951" if i < len(NAMES) - 2 else "952"
        made[key] = _copy(template, name, f"CSAIII-{code}25IIIMS{i + 1:05d}01", 1000 + i)
    _copy(
        template,
        "上海精工机械有限公司",
        "CSAIII-95125IIIMS0009901",
        1099,
        status=CertificateStatus.SUPERSEDED,
    )
    db.session.commit()
    return made


def listed(app, **params) -> list[str]:
    """The enterprise names in the register's table (as the public sees it)."""
    html = app.test_client().get("/certificates/", query_string=params).get_data(as_text=True)
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr")
    return [cells[1].get_text(strip=True) for row in rows if len(cells := row.find_all("td")) > 1]


def found(app, **params) -> set[str]:
    names = listed(app, **params)
    keys = {key for key, name in NAMES.items() if name in names}
    assert len(names) == len(keys), f"unexpected rows: {names}"  # nothing else, no repeats
    return keys


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("钢", {"steel"}),  # one character: its token
        ("机", {"jx1", "jx2", "rev", "apart", "swap", "chem"}),
        ("机械", {"jx1", "jx2", "rev", "chem"}),  # two: the pair, in this order
        ("化工", {"chem"}),
        ("机械厂", {"jx2"}),  # three: both pairs, and in order (not 械厂机械)
        ("南京", {"swap", "chem"}),
        ("有限公司", {"jx1", "rev", "apart", "swap", "steel", "latin", "chem"}),
        ("abc", {"latin"}),  # Latin letters whatever their case or width
        ("ABC", {"latin"}),
        ("ＡＢＣ", {"latin"}),
        ("bc智能", {"latin"}),
        ("abd", set()),
        ("上海 机械", {"jx1"}),  # words in order
        ("机械 上海", set()),
        ("  机械  ", {"jx1", "jx2", "rev", "chem"}),
        ("%", set()),  # a wildcard is a character like any other
        ("械机", {"swap"}),
        ("重庆", set()),
    ],
)
def test_name_search_finds_exactly_the_names_that_contain_the_term(app, named, term, expected):
    assert found(app, name=term) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        # Pinyin initials: two letters begin them, three or more stand anywhere in them.
        ("nj", {"swap", "chem"}),  # 南京…
        ("NJ", {"swap", "chem"}),
        ("jx", set()),  # 机械 is in many, at the beginning of none
        ("JXC", {"jx2"}),  # 苏州机械厂: szjxc
        ("njhg", {"chem"}),
        ("yxgs", {"jx1", "rev", "apart", "swap", "steel", "latin", "chem"}),
        ("szabc", {"latin"}),  # 深圳ABC…: the Latin letters stay whole
        ("cqsc", set()),
    ],
)
def test_name_search_finds_names_by_their_pinyin_initials(app, named, term, expected):
    assert found(app, name=term) == expected


def test_the_register_finds_shenzhen_by_szjg(app, named):
    _copy(named["steel"], "深圳精工机械有限公司", "CSAIII-95125IIIMS0009701", 1097)
    db.session.commit()
    for term in ("szjg", "SZJG", "ｓｚｊｇ"):
        assert listed(app, name=term) == ["深圳精工机械有限公司"], term
    assert set(listed(app, name="jgjx")) == {"深圳精工机械有限公司", NAMES["jx1"]}  # 精工机械
    assert set(listed(app, name="sz")) == {"深圳精工机械有限公司", NAMES["latin"], NAMES["jx2"]}
    assert listed(app, name="szjgx") == []


def test_number_search_takes_a_whole_number_or_its_beginning(app, named):
    assert found(app, number=named["steel"].number) == {"steel"}
    assert found(app, number=named["steel"].number.lower()) == {"steel"}
    assert found(app, number="CSAIII-952") == {"latin", "chem"}
    assert found(app, number="csaiii-95125IIIMS0000") == set(NAMES) - {"latin", "chem"}
    assert found(app, number="CSAIII-953") == set()
    assert found(app, number="CSAIII-95_") == set()  # _ is not a wildcard
    assert found(app, number="%") == set()
    assert found(app, number="CSAIII-952", name="化工") == {"chem"}


def test_a_superseded_certificate_stays_out_of_the_search(app, named):
    names = listed(app, name="精工")
    assert names == [NAMES["jx1"]]


def test_tokens_follow_the_name_however_the_row_is_written(app, named):
    certificate = named["steel"]
    assert certificate.name_tokens == name_tokens(NAMES["steel"])
    assert certificate.name_initials == "tjgtjtyxgs"
    # A row inserted without a model instance gets its tokens from the column default.
    row = {
        column: getattr(certificate, column)
        for column in ("body_id", "project_id", "organisation_id", "address", "scope")
    }
    db.session.execute(
        sa.insert(Certificate),
        [
            {
                **row,
                "number": "CSAIII-95125IIIMS0009801",
                "serial": 1098,
                "enterprise_name": "重庆山城钢构有限公司",
                "capabilities": [],
                "effective_on": date(2025, 1, 1),
                "expires_on": date(2028, 1, 1),
            }
        ],
    )
    db.session.commit()
    inserted = db.session.scalar(
        sa.select(Certificate).where(Certificate.number == "CSAIII-95125IIIMS0009801")
    )
    assert inserted is not None
    assert inserted.name_tokens == name_tokens("重庆山城钢构有限公司")
    assert inserted.name_initials == "cqscggyxgs"
    assert listed(app, name="cqsc") == ["重庆山城钢构有限公司"]
    assert set(listed(app, name="钢")) == {NAMES["steel"], "重庆山城钢构有限公司"}
    assert listed(app, name="山城") == ["重庆山城钢构有限公司"]


def test_the_count_stops_at_its_bound_and_says_more_than(app, named, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    monkeypatch.setattr(queries, "REGISTER_COUNT_AT_MOST", 3)
    client = app.test_client()

    def page(number: int | None = None, **params) -> str:
        params = {"name": "机", "lang": "en", **params}
        if number:
            params["page"] = number
        return client.get("/certificates/", query_string=params).get_data(as_text=True)

    first = page()
    assert "More than 3 certificates" in first
    assert "Page 1<" in first and "Page 1 of" not in first
    assert re.search(r'href="[^"]*page=2', first)
    last = page(3)  # six matches, two a page
    assert "Page 3<" in last
    assert "page=4" not in last and re.search(r'href="[^"]*page=2', last)
    beyond = page(4)
    assert "No certificate matches." in beyond

    monkeypatch.setattr(queries, "REGISTER_COUNT_AT_MOST", 4)
    exact = page(name="机械")  # four: at the bound, still exact
    assert "4 certificates" in exact and "More than" not in exact
    assert "Page 1 of 2" in exact
    assert "1 certificate<" in page(name="钢")


def test_a_page_that_holds_every_match_is_not_counted(app, named, count_queries, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    with count_queries() as counter:
        assert found(app, name="钢") == {"steel"}
    assert not any("count(" in s.lower() for s in counter.statements), counter.statements
    with count_queries() as counter:
        listed(app, name="机")
    # A LIMITed count: never the whole register.
    (count,) = [s for s in counter.statements if "count(" in s.lower()]
    assert "LIMIT" in count.upper()


# PostgreSQL: the plans at a national register's size.

CITY = ["上海", "北京", "广州", "深圳", "杭州", "南京", "苏州", "天津"]
BRAND = list("金华瑞恒泰鑫宏达盛兴隆昌丰源通远安康博弘德信诚联众创新航宇天")
TRADE = ["智造", "精密", "新材料", "化工", "机械", "电子", "汽车零部件", "物流装备", "纺织",
         "食品", "钢铁", "家电", "软件", "通信", "光电", "环保"]  # fmt: skip
SUFFIX = ["有限公司", "股份有限公司", "有限责任公司"]

# Names, tokens and initials (each part's: 上海华瑞… → sh + h + r …) made in the database.
_GENERATED = """
WITH p AS (SELECT
    CAST(:city AS text[]) AS city, CAST(:city_i AS text[]) AS city_i,
    CAST(:brand AS text[]) AS brand, CAST(:brand_i AS text[]) AS brand_i,
    CAST(:trade AS text[]) AS trade, CAST(:trade_i AS text[]) AS trade_i,
    CAST(:suffix AS text[]) AS suffix, CAST(:suffix_i AS text[]) AS suffix_i
), named AS (
    SELECT g, p.city[1 + g % 8] || p.brand[1 + (g / 8) % 30] || p.brand[1 + (g / 240) % 30]
              || p.trade[1 + (g / 7) % 16] || p.suffix[1 + g % 3] AS name,
           p.city_i[1 + g % 8] || p.brand_i[1 + (g / 8) % 30] || p.brand_i[1 + (g / 240) % 30]
              || p.trade_i[1 + (g / 7) % 16] || p.suffix_i[1 + g % 3] AS ini
    FROM generate_series(1, :n) g, p
)
INSERT INTO certificates (number, body_id, serial, issue_no, project_id, organisation_id,
    enterprise_name, name_tokens, name_initials, address, capabilities, scope, standard,
    effective_on, expires_on, issued_at, status, status_changed_at, lock_version)
SELECT 'CSAIII-96025IIIMS' || lpad(g::text, 5, '0') || '01', :body, 100000 + g, 1, :project,
       :org, name,
       ARRAY(SELECT DISTINCT substr(name, i, k)
             FROM generate_series(1, char_length(name)) i, (VALUES (1), (2)) v(k)
             WHERE i + k - 1 <= char_length(name))
       || ARRAY(SELECT DISTINCT '^' || substr(ini, i, 2)
                FROM generate_series(1, char_length(ini) - 1) i)
       || ARRAY['<' || substr(ini, 1, 2)],
       ini, '', '[]', '', 'GB/T 23001-2017', DATE '2018-01-01' + g % 2900,
       DATE '2021-01-01' + g % 2900, now(),
       (ARRAY['valid', 'valid', 'valid', 'suspended', 'expired', 'superseded'])[1 + g % 6],
       now(), 1
FROM named
"""


def _generate(n: int) -> None:
    """n certificates of made-up names, analysed."""
    template = factories.certificate(factories.Parties())
    parts = {"city": CITY, "brand": BRAND, "trade": TRADE, "suffix": SUFFIX}
    db.session.execute(
        sa.text(_GENERATED),
        {
            "n": n,
            "body": template.body_id,
            "project": template.project_id,
            "org": template.organisation_id,
            **parts,
            **{f"{key}_i": [initials(part) for part in words] for key, words in parts.items()},
        },
    )
    db.session.execute(sa.text("ANALYZE certificates"))
    db.session.commit()


def _plans(app, term: str) -> list[str]:
    """EXPLAIN of every statement the register page sends for ``name=term``, rendered afresh
    (not from the memo of pages already searched)."""
    register_memo().clear()
    connection = db.session.connection()
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "certificates" in statement:
            sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        response = app.test_client().get("/certificates/", query_string={"name": term})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    assert response.status_code == 200
    cursor = connection.connection.cursor()
    plans = []
    for statement, parameters in sent:
        cursor.execute("EXPLAIN " + statement, parameters)
        plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_postgresql_serves_two_characters_and_initials_from_the_gin_index(
    app, app_ctx, monkeypatch
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 5)  # 华瑞's rows fill more than a page
    _generate(20000)

    # 华瑞: a 2-character term of a few dozen rows (1 in 900 names start 上海华瑞, 深圳华瑞…)
    items, count = _plans(app, "华瑞")
    assert "ix_certificates_name_tokens" in items, items
    assert "ix_certificates_name_tokens" in count, count
    assert "Limit" in count, count  # the bounded count
    assert "Seq Scan on certificates" not in items + count

    # 机械 is in one name of 16: the planner may read in date order or scan until it has
    # enough, but the count stops at 1,001 rows either way.
    items, count = _plans(app, "机械")
    assert "Limit" in items and "Limit" in count, items + count
    html = (
        app.test_client()
        .get("/certificates/", query_string={"name": "有限", "lang": "en"})
        .get_data(as_text=True)
    )
    assert "More than 1,000 certificates" in html

    # Pinyin initials, on the same rows (a second batch in this transaction would leave the
    # first one's dead rows behind). shhr: 上海 then 华/恒/宏/弘 then 瑞 (1 name in 1,800);
    # hrj: anywhere in the initials. Both arms of the OR — the name's tokens, the initials'
    # — must be served by the index (BitmapOr): one arm without it would read every row.
    # Rows written in this transaction were never vacuumed, so the GIN index has no
    # statistics and the planner prices a scan of it at ~770 against ~28 once vacuumed (on
    # the generated dataset at scale 0.1 it takes the BitmapOr by itself): sequential scans
    # are set aside here to see what the index can serve — and so are plain index scans:
    # with statistics left by earlier tests the planner may read a whole other index (the
    # bodies') in place of a sequential scan, which says nothing of this one.
    found = listed(app, name="shhr")
    assert found and all("shhr" in initials(name) for name in found), found
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_indexscan = off"))
    for term in ("shhr", "hrj", "sh"):
        items, count = _plans(app, term)
        if term != "sh":  # 1 name in 8 begins sh (上海): the page may be read in date order
            assert items.count("ix_certificates_name_tokens") == 2, items
        assert count.count("ix_certificates_name_tokens") == 2, count
        assert "Limit" in count, count  # the bounded count
