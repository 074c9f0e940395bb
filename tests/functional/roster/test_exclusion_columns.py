"""The roster's two exclusion-flag columns (seed 004 四(四)): 是 sets a flag, 否 clears it, a
blank cell leaves it as it was, each change a history row from the roster; any other value
refuses the row, beside its column, in the reader's language."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from blueprints.reform import exclusions
from models import ExclusionEvent, ExclusionFlag, ExclusionSource
from tests import factories

from .helpers import (
    FLAG_HEADER,
    HEADER,
    authority,
    count_roster,
    read_xlsx,
    signed_in,
    upload,
    xlsx,
)
from .test_import import counts, result_of

# The template's header, the giant's quotes straight as some authorities type them.
FLAGS = ['中央财政支持"小巨人"', FLAG_HEADER[1]]
GIANT, PILOT = ExclusionFlag.CENTRAL_FUND_GIANT, ExclusionFlag.NATIONAL_PILOT_2022


def _row(code: str, name: str, giant, pilot) -> list:
    return [code, name, "310115", None, None, None, giant, pilot]


def _history() -> list[tuple[str, ExclusionFlag, bool]]:
    db.session.expire_all()
    events = db.session.scalars(sa.select(ExclusionEvent).order_by(ExclusionEvent.id)).all()
    assert all(e.source == ExclusionSource.ROSTER and e.actor_id is None for e in events)
    return [(e.credit_code, e.flag, e.raised) for e in events]


def test_the_flag_columns_set_and_clear_the_flags_with_history(client):
    browser = signed_in(client, authority("310000", locale="en"))
    a, b, c, d = (factories.credit_code("310115") for _ in range(4))
    first = xlsx(
        [
            _row(a, "甲公司", "是", "否"),
            _row(b, "乙公司", "Y", True),  # Excel's TRUE
            _row(c, "丙公司", None, 1),  # a number cell
            _row(d, "丁公司", "也许", "N"),
        ],
        header=HEADER + FLAGS,
    )
    location = result_of(upload(browser, first))
    assert counts(browser, location) == (3, 0, 1)
    assert count_roster() == 3
    assert _history() == [(a, GIANT, True), (b, GIANT, True), (b, PILOT, True), (c, PILOT, True)]
    assert exclusions.flags_of(d) == {}  # a refused row states nothing
    _header, *lines = read_xlsx(browser.get(location + "/errors.xlsx").data)
    [(number, code, _name, reasons)] = lines
    assert (number, code) == (5, d)
    assert "“也许” in the column 中央财政支持“小巨人” / central-fund little giant" in reasons
    assert "也许" in browser.get(location).get_data(as_text=True)

    again = xlsx(
        [
            _row(a, "甲公司", "否", None),
            _row(b, "乙公司", None, None),
            _row(c, "丙公司", "n", "false"),
        ],
        header=HEADER + FLAGS,
    )
    assert counts(browser, result_of(upload(browser, again))) == (0, 3, 0)
    assert _history()[4:] == [(a, GIANT, False), (c, PILOT, False)]
    assert set(exclusions.flags_of(b)) == {GIANT, PILOT}  # blank cells leave flags be
    assert exclusions.flags_of(a) == exclusions.flags_of(c) == {}


def test_a_roster_without_the_flag_columns_leaves_the_flags_alone(client):
    browser = signed_in(client, authority("310000"))
    code = factories.credit_code("310115")
    exclusions.import_flags({code: {GIANT: True}})
    db.session.commit()
    location = result_of(upload(browser, xlsx([[code, "甲公司", "310115"]], header=HEADER[:3])))
    assert counts(browser, location) == (1, 0, 0)
    assert set(exclusions.flags_of(code)) == {GIANT}
    assert len(_history()) == 1


def test_a_bad_flag_is_reported_in_chinese_too(client):
    browser = signed_in(client, authority("310000"))
    code = factories.credit_code("310115")
    rows = [[code, "甲公司", "310115", "maybe"]]
    location = result_of(upload(browser, xlsx(rows, header=[*HEADER[:3], "2022年改造试点"])))
    assert counts(browser, location) == (0, 0, 1)
    page = browser.get(location).get_data(as_text=True)
    assert "“maybe”" in page and "2022年改造试点 / " in page
    assert "neither yes nor no" not in page  # translated
