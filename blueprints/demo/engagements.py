"""Diagnosis engagements (the Diagnosis page): Changchun's authority runs the SME pilot of seed
004 and Inner Mongolia's the offline diagnosis of seed 002, both with one provider. The
provider has an agreement to file and a work group still short of the Changchun rules; the
Inner Mongolia engagement is on site with a full group."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import local_today
from app.extensions import db
from blueprints.demo.people import account, enterprise_with_contact, organisation
from blueprints.demo.projects import pdf_file
from blueprints.diagnosis import programmes
from blueprints.engagements import services
from models import DiagnosisEngagement, EngineerTitle, Organisation, OrgKind, Role, User

PROVIDER = "吉数数字化转型服务有限公司"


def _engagement(
    authority: User, programme_key: str, enterprise: Organisation, provider: Organisation
) -> DiagnosisEngagement | None:
    """A new engagement, or None when the demo made it already (loading twice adds nothing)."""
    if db.session.scalar(
        sa.select(DiagnosisEngagement.id).where(
            DiagnosisEngagement.programme_key == programme_key,
            DiagnosisEngagement.enterprise_id == enterprise.id,
        )
    ):
        return None
    programme = programmes.programme(programme_key)
    assert programme is not None  # the demo's own programmes
    assert enterprise.credit_code is not None
    return services.enrol(authority, programme, enterprise.credit_code, provider.id)


def _members(
    engagement: DiagnosisEngagement, expert: User, people: list[tuple[str, EngineerTitle]]
) -> None:
    pledged = local_today() - timedelta(days=2)
    for n, (name, title) in enumerate(people):
        services.add_member(
            engagement,
            expert,
            name=name,
            unit=PROVIDER,
            title=title,
            lead=n == 0,
            expert=n == 0,
            pledged_on=pledged,
        )


def load() -> list[tuple[Role, str]]:
    """The demo's diagnosis parties and engagements; the accounts to list."""
    provider = organisation(OrgKind.SERVICE_PROVIDER, PROVIDER, region_code="220100")
    expert = account(provider, Role.DIAGNOSTICIAN, "diagnosis@demo.certpath.cn", "钱诊断",
                     org_admin=True)  # fmt: skip
    changchun = organisation(OrgKind.AUTHORITY, "长春市工业和信息化局", region_code="220100")
    official = account(changchun, Role.AUTHORITY, "changchun@demo.certpath.cn", "孙工信",
                       org_admin=True)  # fmt: skip
    nmg = organisation(OrgKind.AUTHORITY, "内蒙古自治区工业和信息化厅", region_code="150000")
    nmg_official = account(nmg, Role.AUTHORITY, "nmg@demo.certpath.cn", "巴特尔", org_admin=True)
    first, _ = enterprise_with_contact(
        "长春一汽配套零部件有限公司", "changchun-a", "91220101MA0Y1C2D3", "220102", "36",
        "长春市南关区亚泰大街 1 号")  # fmt: skip
    second, _ = enterprise_with_contact(
        "长春光谷精密仪器有限公司", "changchun-b", "91220101MA0Y1C2D4", "220104", "40",
        "长春市朝阳区卫星路 9 号")  # fmt: skip
    third, _ = enterprise_with_contact(
        "包头稀土新材料股份有限公司", "baotou", "91150201MA0Y1C2D5", "150202", "32",
        "包头市东河区巴彦塔拉大街 18 号")  # fmt: skip
    db.session.flush()

    # On the provider's list: the agreement to file.
    _engagement(official, "changchun_pilot", first, provider)
    # Agreement filed; the group has two members, one short of the pilot's three.
    agreed = _engagement(official, "changchun_pilot", second, provider)
    if agreed is not None:
        services.file_agreement(agreed, expert, local_today() - timedelta(days=3),
                                pdf_file("咨询诊断服务协议.pdf"))  # fmt: skip
        _members(agreed, expert, [("郑专家", EngineerTitle.SENIOR), ("冯工", EngineerTitle.MID)])
    # On site with a full group.
    on_site = _engagement(nmg_official, "nmg_offline", third, provider)
    if on_site is not None:
        services.file_agreement(on_site, expert, local_today() - timedelta(days=10),
                                pdf_file("线下评估诊断协议.pdf"))  # fmt: skip
        _members(on_site, expert, [("那专家", EngineerTitle.SENIOR), ("李工", EngineerTitle.MID),
                                   ("王助工", EngineerTitle.ASSISTANT)])  # fmt: skip
        services.perform(on_site, "start", expert)
    return [
        (Role.DIAGNOSTICIAN, "diagnosis@demo.certpath.cn"),
        (Role.AUTHORITY, "changchun@demo.certpath.cn"),
        (Role.AUTHORITY, "nmg@demo.certpath.cn"),
        (Role.ENTERPRISE, "changchun-b@demo.certpath.cn"),
    ]
