"""The public register's region box takes a name (Chinese or English) or a GB/T 2260 code of
2, 4 or 6 digits; a region that is none is said beside the field and lists nothing. The
number box also takes a holder's credit code, whole or from its eighth character on."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from tests import factories

PLACES = {"shenzhen": "440305", "guangzhou": "440106", "shanghai": "310115"}


@pytest.fixture
def issued(app_ctx):
    made = {}
    for key, region in PLACES.items():
        parties = factories.Parties()
        parties.enterprise_org.region_code = region
        parties.enterprise_org.credit_code = factories.credit_code(region)
        parties.enterprise_org.name = f"{key}企业有限公司"
        db.session.flush()
        made[key] = factories.certificate(parties)
    db.session.commit()
    return made


def search(app, **params) -> tuple[set[str], list[str]]:
    """The holders listed (by key) and the errors beside the region field."""
    html = app.test_client().get("/certificates/", query_string=params).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    text = " ".join(cell.get_text() for cell in soup.select("table tbody td"))
    errors = [e.get_text(strip=True) for e in soup.select("#region ~ .invalid-feedback")]
    return {key for key in PLACES if f"{key}企业" in text}, errors


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("广东", {"shenzhen", "guangzhou"}),
        ("广东省", {"shenzhen", "guangzhou"}),
        ("44", {"shenzhen", "guangzhou"}),
        ("Guangdong", {"shenzhen", "guangzhou"}),
        ("4403", {"shenzhen"}),
        ("深圳", {"shenzhen"}),
        ("shenzhen", {"shenzhen"}),
        (" 深圳市 ", {"shenzhen"}),
        ("440305", {"shenzhen"}),
        ("440000", {"shenzhen", "guangzhou"}),  # a province's own code: all of it
        ("440300", {"shenzhen"}),  # a city's own code: all of it
        ("４４０３", {"shenzhen"}),  # full-width digits, as a Chinese input method types them
        ("上海", {"shanghai"}),
        ("", {"shenzhen", "guangzhou", "shanghai"}),
    ],
)
def test_a_region_by_name_or_code(app, issued, region, expected):
    assert search(app, region=region) == (expected, [])


@pytest.mark.parametrize("region", ["4", "440", "4403051", "火星", "x" * 40, "%", "_", "广" * 41])
def test_a_region_that_is_none_is_said_and_lists_nothing(app, issued, region):
    found, errors = search(app, region=region)
    assert found == set()
    assert len(errors) == 1


def test_the_number_box_takes_a_credit_code_whole_or_from_eight_characters(app, issued):
    code = issued["shenzhen"].organisation.credit_code
    assert search(app, number=code)[0] == {"shenzhen"}
    assert search(app, number=code.lower()[:10])[0] == {"shenzhen"}
    assert search(app, number=code[:8])[0] == {"shenzhen"}
    # Shorter: most of a province's holders — only certificate numbers begin so.
    assert search(app, number=code[:7])[0] == set()
    number = issued["guangzhou"].number
    assert search(app, number=number[:12])[0] >= {"guangzhou"}
