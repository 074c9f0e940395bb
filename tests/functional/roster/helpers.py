"""Roster files built in memory, authorities, and roster rows made directly."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from models import EnterpriseTag, Organisation, OrgKind, Role, RosterEnterprise, RosterTag, User
from tests import factories
from tests.conftest import Browser

HEADER = ["统一社会信用代码", "企业名称", "行政区划代码", "行业代码", "标签", "联系邮箱"]
# The optional exclusion flags of seed 004 四(四), last in the template.
FLAG_HEADER = ["中央财政支持“小巨人”", "2022年改造试点"]


def xlsx(rows: list[list], header: list[str] | None = HEADER, title: str | None = None) -> bytes:
    """A workbook whose first sheet holds ``header`` then ``rows`` (a ``title`` line above)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(BytesIO(data), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def authority(region: str = "310000", locale: str = "zh") -> User:
    org = factories.organisation(OrgKind.AUTHORITY, region=region)
    return factories.user(org, role=Role.AUTHORITY, locale=locale)


def signed_in(client, user: User) -> Browser:
    browser = Browser(client)
    response = browser.login(user.email, factories.PASSWORD)
    assert response.status_code == 302
    return browser


def upload(browser: Browser, data: bytes, filename: str = "名录.xlsx"):
    return browser.submit(
        "/roster/import",
        {"file": (BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def on_roster(
    importer: User,
    region: str,
    *,
    name: str | None = None,
    tags: tuple[EnterpriseTag, ...] = (),
    code: str | None = None,
    email: str = "",
) -> RosterEnterprise:
    item = RosterEnterprise(
        credit_code=code or factories.credit_code(region),
        name=name or f"名录企业{region}-{factories.credit_code()[-6:]}",
        region_code=region,
        industry_code="34",
        contact_email=email,
        imported_by_id=importer.organisation_id,
    )
    item.tags = [RosterTag(tag=tag) for tag in tags]
    db.session.add(item)
    db.session.flush()
    return item


def roster_of(code: str) -> RosterEnterprise:
    db.session.expire_all()  # what the requests wrote, not what this session remembers
    query = sa.select(RosterEnterprise).where(RosterEnterprise.credit_code == code)
    found = db.session.scalar(query)
    assert found is not None, f"{code} is not on the roster"
    return found


def count_roster() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RosterEnterprise)) or 0


def account(code: str, region: str = "310115") -> Organisation:
    return factories.organisation(region=region, credit_code=code)
