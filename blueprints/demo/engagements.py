"""Diagnosis engagements (the Diagnosis page): Changchun's authority runs the SME pilot of seed
004 and Inner Mongolia's the offline diagnosis of seed 002, with one provider. Each party has
something to do: the provider an agreement to file, a work group short of the Changchun rules
and a diagnosis on site to report; an enterprise a survey to answer; Changchun a report to
accept. One Inner Mongolia photo was taken outside its visit and another has no capture time,
so the reviewer sees both flags."""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.clock import local_today, utc_from_local
from app.extensions import db
from blueprints.assessment.services import current_year
from blueprints.demand import services as demand
from blueprints.demo import pool as demo_pool
from blueprints.demo import reform as demo_reform
from blueprints.demo import reform_subsidy as demo_subsidy
from blueprints.demo.assessments import submitted
from blueprints.demo.people import account, enterprise_with_contact, first_user, organisation
from blueprints.demo.projects import pdf_file
from blueprints.diagnosis import programmes, sme_level
from blueprints.diagnosis.programmes import Form
from blueprints.engagements import (
    conclusion,
    grading,
    indicators,
    paperwork,
    progress_reports,
    record,
    services,
    team,
)
from models import (
    ActivityKind,
    Adoption,
    DiagnosisEngagement,
    EngagementStatus,
    EngineerTitle,
    Organisation,
    OrgKind,
    Role,
    SolutionOrigin,
    SurveyRating,
    SurveyVerdict,
    User,
)

PROVIDER = "吉数数字化转型服务有限公司"
S = EngagementStatus
_PARAGRAPH = (
    "企业已建成覆盖研发、生产、质量和仓储的信息系统，但系统之间数据尚未贯通，生产计划仍依赖人工排产，"
    "设备联网率不足四成，质量数据以纸质记录为主。建议以制造执行系统为核心，打通企业资源计划与仓储管理，"
    "分步推进关键设备联网和数据采集，建立质量追溯与能耗监测，形成可复制的数字化改造路径。"
)


def photo(name: str, taken: datetime | None) -> FileStorage:
    """A small JPEG with ``taken`` as its EXIF capture time (None: no EXIF time)."""
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=name, content_type="image/jpeg")


# What the demo's enterprises and work group write on the programme's forms, by field key (a
# list: one per row of a table form, in turn).
_FORM_TEXT: dict[str, str | int | list[str]] = {
    "contact": "李明",
    "contact_position": "信息化部部长",
    "phone": "0472-5123456",
    "products": "稀土永磁材料与稀土抛光粉的研发、生产和销售",
    "employees": 860,
    "revenue": 152000,
    "systems": "ERP（财务、供应链）、OA、MES（试运行）、质量检测数据采集系统",
    "needs": "生产计划依赖人工排产，设备联网率低；希望诊断生产管控与质量追溯的改造路径。",
    "task": [
        "组建工作组，收集企业资料，编制诊断计划",
        "启动会、宣贯培训、现场调研与 24 项指标验证",
        "编制诊断报告，召开末次会议并向企业主要负责人汇报",
    ],
    "owner": "郑专家",
    "attendees": "总经理、分管副总经理，信息化、生产、质量、设备、仓储部门负责人",
    "materials": "营业执照、资质证书、近三年工业设备采购合同、线上自评估报告、信息系统清单",
    "sites": "烧结和磁材生产线、仓储物流中心、MES 与 ERP 系统演示、能源计量表",
    "area": ["组织：数字化转型领导机构与职责", "过程：生产计划与排产", "活动：设备运维与点检"],
    "information": [
        "企业设信息化部，由分管副总牵头数字化转型，年度预算单列。",
        "生产计划由计划员按订单手工排产，MES 仅在一条产线试运行。",
        "关键设备 126 台，联网 48 台，点检记录为纸质。",
    ],
    "evidence": ["组织架构图", "MES 排产截图", "设备台账"],
    "name": [
        "营业执照副本",
        "高新技术企业证书",
        "2024 年设备采购合同汇总",
        "两化融合自评估报告",
        "信息系统与技术应用清单",
    ],
    "note": "",
}


def _form_values(form: Form, n: int, day: date, known: dict[str, str]) -> dict:
    """Row ``n`` of ``form`` as the demo fills it: each choice in turn, its dates on ``day``."""
    values: dict = {}
    for field in form.fields:
        sample = known.get(field.key) or _FORM_TEXT.get(field.key, field.title.zh)
        if field.kind == "choice":
            values[field.key] = field.choices[n % len(field.choices)].key
        elif field.kind == "date":
            values[field.key] = day
        elif field.kind == "integer":
            values[field.key] = sample if isinstance(sample, int) else field.minimum
        else:
            values[field.key] = sample[n % len(sample)] if isinstance(sample, list) else sample
    return values


def fill_forms(engagement: DiagnosisEngagement, before: str, *, provider: User,
               enterprise: User | None, day: date, only: tuple[str, ...] = (),
               at_most: int | None = None) -> None:  # fmt: skip
    """The programme's forms needed before the move ``before`` (or ``only`` those), filled in
    by their parties: a table with as many rows as it asks (or ``at_most``), each choice
    covered."""
    known = {"address": engagement.enterprise.address or ""}
    for form in team.programme_of(engagement).fillable_forms:
        if form.before != before or (only and form.key not in only):
            continue
        actor = enterprise if form.filled_by == "enterprise" else provider
        if actor is None:
            raise ValueError(f"the enterprise fills in {form.key}: give its user")
        field = form.field(form.must_cover) if form.must_cover else None
        count = max(form.min_rows, len(field.choices) if field else 0) if form.rows else 1
        for n in range(min(count, at_most or count)):
            paperwork.fill(engagement, actor, form, _form_values(form, n, day, known))


def report_for(engagement: DiagnosisEngagement) -> dict[str, str]:
    """Sections long enough for the programme's minimum (the demo's text, repeated)."""
    programme = team.programme_of(engagement)
    sections = programme.report.sections
    share = programme.report.min_characters // len(sections) + 200
    times = share // len(_PARAGRAPH) + 1
    return {s.key: "\n".join([_PARAGRAPH] * times) for s in sections}


def verify_indicators(engagement: DiagnosisEngagement, expert: User) -> None:
    """The 24 indicators verified: as the enterprise reported them, or 50 % where it did not."""
    reported = indicators.self_reported(engagement.enterprise_id)
    values = {i.key: (reported.get(i.key, 50.0), "") for i in indicators.definitions()}
    indicators.save(engagement, expert, values)


def grade_on_site(engagement: DiagnosisEngagement, expert: User) -> None:
    """The evaluator's grading: 48 points, the constrained scenarios at level 2 (grade 2)."""
    table = sme_level.table()
    share = round(48 / len(table.indicators), 2)
    points = {i.key: share for i in table.indicators}
    levels = {s.key: 2 if s.constrained else 1 for s in table.scenarios}
    grading.record_on_site(engagement, expert, points, levels, None)


def walk(engagement: DiagnosisEngagement, expert: User, until: EngagementStatus,
         *, enterprise: User | None = None, day: date | None = None) -> None:  # fmt: skip
    """Take an agreed engagement with a full work group through the programme's steps up to
    ``until``: the forms before going on site, a kick-off, a training, a visit with the
    programme's photos, the forms and the report, the presentation and the survey."""
    programme = team.programme_of(engagement)
    day = day or local_today() - timedelta(days=2)
    fill = functools.partial(fill_forms, engagement, provider=expert, enterprise=enterprise,
                             day=day)  # fmt: skip
    fill("start")
    services.perform(engagement, "start", expert)
    if until == S.ON_SITE:
        return

    def at(hour: int) -> datetime:
        return datetime.combine(day, time(hour))

    for kind, start, end in ((ActivityKind.KICKOFF, 8, 9), (ActivityKind.TRAINING, 9, 12),
                             (ActivityKind.VISIT, 13, 17)):  # fmt: skip
        record.record_activity(engagement, expert, kind=kind, started_at=at(start),
                               ended_at=at(end), topic=kind.title, outcome="", attendees="",
                               sign_in=None)  # fmt: skip
    visit = engagement.activities[-1]
    categories = [(c.key, c.at_least) for c in programme.visits.photos]
    for key, count in categories or [(record.OTHER_PHOTO, 1)]:
        for n in range(count):
            record.add_photo(engagement, expert, visit.id, key,
                             photo(f"{key}-{n + 1}.jpg", at(14)))  # fmt: skip
    if indicators.graded_by_indicators(engagement):
        verify_indicators(engagement, expert)
    if grading.graded_by_sme_level(engagement):
        grade_on_site(engagement, expert)
    fill("submit_report")
    record.save_report(engagement, expert, report_for(engagement))
    conclusion.submit_report(engagement, expert)
    engagement.report_submitted_at = utc_from_local(at(17))
    if until != S.REPORTED:
        conclusion.present(engagement, expert, started_at=at(17), ended_at=at(18),
                           attendees="总经理\n信息化主管", outcome="企业认可诊断结论")  # fmt: skip
    if until == S.SURVEYED and enterprise is not None:
        ratings = {c.key: SurveyRating.VERY_GOOD for c in programme.satisfaction.criteria}
        conclusion.survey(engagement, enterprise, ratings=ratings,
                          verdict=SurveyVerdict.SATISFIED, adoption=Adoption.PARTLY,
                          comment="")  # fmt: skip
        engagement.surveyed_at = utc_from_local(at(18) + timedelta(days=1))
    _backdate(engagement, at)


# When each step of ``walk`` happened, in hours after the day's midnight (local time).
_STEP_HOURS = {"start": 8, "submit_report": 17, "present": 18, "survey": 24 + 10}


def _backdate(engagement: DiagnosisEngagement, at) -> None:
    """The history as the record tells it: each move on the day of the visit."""
    for event in engagement.events:
        if event.action in _STEP_HOURS:
            event.created_at = utc_from_local(at(0) + timedelta(hours=_STEP_HOURS[event.action]))
    engagement.status_changed_at = engagement.events[-1].created_at


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


def _agreed_with_group(engagement: DiagnosisEngagement, expert: User, days_ago: int,
                       people: list[tuple[str, EngineerTitle]]) -> None:  # fmt: skip
    signed = local_today() - timedelta(days=days_ago)
    services.file_agreement(engagement, expert, signed, pdf_file("咨询诊断服务协议.pdf"))
    for n, (name, title) in enumerate(people):
        services.add_member(engagement, expert, name=name, unit=PROVIDER, title=title,
                            lead=n == 0, expert=n == 0, pledged_on=signed)  # fmt: skip
    # Enrolled three days before the signing, filed on the day it was signed.
    enrolled, filed = engagement.events[:2]
    enrolled.created_at = engagement.created_at = utc_from_local(
        datetime.combine(signed - timedelta(days=3), time(9))
    )
    filed.created_at = engagement.status_changed_at = utc_from_local(
        datetime.combine(signed, time(16))
    )


FULL_GROUP = [("郑专家", EngineerTitle.SENIOR), ("冯工", EngineerTitle.MID),
              ("王助工", EngineerTitle.ASSISTANT)]  # fmt: skip


# A need of the demo's stamping plant (汽车制造业, 36) under each scenario, and what is matched.
_NEEDS = (
    ("2.3.1", "冲压件批次质量靠纸质记录，主机厂追溯一次需两天。",
     "行业共性：主机厂要求零件级追溯；企业个性：与现有金蝶ERP对接。",
     "原材料入库至成品发运全程赋码，扫码查询批次、工序与检验记录。",
     (("冲压件质量追溯云平台", "赋码、采集、追溯一体化，SaaS部署。", 12, 25, "existing"),
      ("主机厂质量数据对接模块", "按主机厂接口规范推送质量数据。", 8, 8, "new"))),
    ("2.4.1", "压力机故障靠人工巡检发现，停机频繁。",
     "企业个性：12台压力机的振动、温度与吨位在线监测。",
     "加装传感器，异常自动报警并推送维修工单。",
     (("设备状态监测系统", "边缘网关采集，阈值与趋势报警。", 20, 35, "existing"),)),
    ("3.3.3", "主机厂排产变动频繁，交付计划靠电话协调。", "行业共性：与主机厂计划系统协同。",
     "", ()),
)  # fmt: skip


def _demand_library(
    engagement: DiagnosisEngagement, expert: User, provider: Organisation, day: date
) -> None:
    filed = utc_from_local(datetime.combine(day, time(15)))
    for code, problem, need, description, offers in _NEEDS:
        entry = demand.record_entry(engagement, expert, scenario_code=code, problem=problem,
                                    need=need, description=description)  # fmt: skip
        entry.created_at = filed
        for name, summary, low, high, origin in offers:
            demand.match_solution(entry, expert, demand.Offer(
                name=name, summary=summary, provider_id=provider.id, price_low=Decimal(low),
                price_high=Decimal(high), origin=SolutionOrigin(origin),
            )).created_at = filed  # fmt: skip


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
        "长春新区智能装备有限公司", "changchun-c", "91220101MA0Y1C2D6", "220104", "34",
        "长春市新区硅谷大街 77 号")  # fmt: skip
    fourth, rater = enterprise_with_contact(
        "长春汽开区冲压件有限公司", "changchun-d", "91220101MA0Y1C2D7", "220102", "36",
        "长春市南关区东南湖大路 5 号")  # fmt: skip
    # Not enrolled yet: the authorities' next enrolments (the README tour, the browser test).
    enterprise_with_contact(
        "长春净月数码科技有限公司", "changchun-e", "91220101MA0Y1C2D8", "220102", "39",
        "长春市南关区净月大街 3 号")  # fmt: skip
    # Enrolled in the pilot's first round and diagnosed last spring: its reform projects are
    # accepted and subsidised (blueprints/demo/reform_subsidy.py).
    sixth, pharma = enterprise_with_contact(
        "长春高新生物药业有限公司", "changchun-f", "91220101MA0Y1C2E6", "220102", "27",
        "长春市南关区人民大街 66 号")  # fmt: skip
    hohhot, _ = enterprise_with_contact(
        "呼和浩特云谷乳业科技有限公司", "hohhot", "91150102MA0Y1C2D9", "150102", "14",
        "呼和浩特市新城区新华大街 20 号")  # fmt: skip
    baotou, baotou_contact = enterprise_with_contact(
        "包头稀土新材料股份有限公司", "baotou", "91150201MA0Y1C2D5", "150202", "32",
        "包头市东河区巴彦塔拉大街 18 号")  # fmt: skip
    ordos, _ = enterprise_with_contact(
        "鄂尔多斯煤化工装备制造有限公司", "ordos", "91150602MA0Y1C2E2", "150602", "35",
        "鄂尔多斯市东胜区天骄北路 8 号")  # fmt: skip
    db.session.flush()
    # Seed 002 asks the enterprises to self-assess before the diagnosis (4.3(3)).
    for org in (hohhot, baotou, ordos):
        submitted(org, first_user(org), current_year() - 1, 0.45, approve=True)

    # Changchun's expert reviews applications to its provider pool.
    pool_expert = account(changchun, Role.AUTHORITY, "changchun-expert@demo.certpath.cn", "郑评审")
    # On the provider's list: the agreement to file.
    _engagement(official, "changchun_pilot", first, provider)
    # In the pool of the pilot before its demand libraries match its products.
    demo_pool.admit_incumbent(provider, expert, official, pool_expert)
    # Agreement filed; the group has two members, one short of the pilot's three.
    agreed = _engagement(official, "changchun_pilot", second, provider)
    if agreed is not None:
        _agreed_with_group(agreed, expert, 3, FULL_GROUP[:2])
    # Presented to the head: changchun-c@'s survey to answer.
    presented = _engagement(official, "changchun_pilot", third, provider)
    if presented is not None:
        _agreed_with_group(presented, expert, 20, FULL_GROUP)
        walk(presented, expert, S.PRESENTED, day=local_today() - timedelta(days=10))
    # Surveyed: Changchun's acceptance to give.
    surveyed = _engagement(official, "changchun_pilot", fourth, provider)
    if surveyed is not None:
        _agreed_with_group(surveyed, expert, 25, FULL_GROUP)
        walk(surveyed, expert, S.SURVEYED, enterprise=rater, day=local_today() - timedelta(days=15))
        # Its demand library, filed on the visit (changchun-d@ reads it; the presented one,
        # changchun-c@'s, has none yet and waits on diagnosis@'s work list).
        _demand_library(surveyed, expert, provider, local_today() - timedelta(days=13))
    # Inner Mongolia: on site after the application, the plan and the notice; a visit recorded
    # with two photos the reviewer should look at; the record begun and the ledger short of
    # two kinds of document.
    on_site = _engagement(nmg_official, "nmg_offline", baotou, provider)
    if on_site is not None:
        _agreed_with_group(on_site, expert, 62, FULL_GROUP)
        day = local_today() - timedelta(days=1)
        fill = functools.partial(fill_forms, on_site, provider=expert, enterprise=baotou_contact,
                                 day=day)  # fmt: skip
        fill("start")
        services.perform(on_site, "start", expert)
        fill("submit_report", only=("record",), at_most=2)
        fill("submit_report", only=("ledger",), at_most=3)
        visit = record.record_activity(
            on_site, expert, kind=ActivityKind.VISIT,
            started_at=datetime.combine(day, time(9)), ended_at=datetime.combine(day, time(17)),
            topic="现场调研验证 24 项关键指标", outcome="核查生产线与仓储系统", attendees="",
            sign_in=None,
        )  # fmt: skip
        for name, taken in (("生产线.jpg", datetime.combine(day, time(10))),
                            ("仓库.jpg", datetime.combine(day - timedelta(days=30), time(10))),
                            ("会议室.jpg", None)):  # fmt: skip
            record.add_photo(on_site, expert, visit.id, record.OTHER_PHOTO, photo(name, taken))
        # Its first month reported to the region (seed 002 5.1); the second is overdue, on
        # diagnosis@'s work list and, for information, on nmg@'s.
        start = local_today() - timedelta(days=65)
        first_month = progress_reports.submit(
            expert, f"nmg_offline:{nmg.id}", start, start + timedelta(days=29),
            "完成包头稀土工作组组建与服务协议备案，收集企业资料并编制诊断计划；下月入企开展现场诊断。",
        )  # fmt: skip
        sent = datetime.combine(start + timedelta(days=30), time(10))
        first_month.submitted_at = utc_from_local(sent)
    # Agreed, the plan and the notice filed: ordos@'s application to fill in.
    waiting = _engagement(nmg_official, "nmg_offline", ordos, provider)
    if waiting is not None:
        _agreed_with_group(waiting, expert, 4, FULL_GROUP)
        fill_forms(waiting, "start", provider=expert, enterprise=None,
                   day=local_today() + timedelta(days=7), only=("plan", "notice"))  # fmt: skip
    pooled = demo_pool.load(provider, rater, official, pool_expert)
    # Reform projects once the pool admits both providers (blueprints/demo/reform.py).
    reformed = demo_reform.load(official, third, fourth)
    earlier = _engagement(official, "changchun_pilot", sixth, provider)
    if earlier is not None:
        _agreed_with_group(earlier, expert, 300, FULL_GROUP)
        diagnosed = local_today() - timedelta(days=290)
        walk(earlier, expert, S.SURVEYED, enterprise=pharma, day=diagnosed)
        conclusion.decide(earlier, official, "accept", "诊断报告符合要求，予以验收。")
    county = db.session.scalar(sa.select(User).where(User.email == demo_reform.COUNTY_EMAIL))
    assert county is not None
    subsidised = demo_subsidy.load(official, county, pharma)
    return [
        *pooled,
        *reformed,
        *subsidised,
        (Role.DIAGNOSTICIAN, "diagnosis@demo.certpath.cn"),
        (Role.AUTHORITY, "changchun@demo.certpath.cn"),
        (Role.AUTHORITY, "nmg@demo.certpath.cn"),
        (Role.ENTERPRISE, "changchun-b@demo.certpath.cn"),
        (Role.ENTERPRISE, "changchun-c@demo.certpath.cn"),
        (Role.ENTERPRISE, "changchun-d@demo.certpath.cn"),
        (Role.ENTERPRISE, "changchun-f@demo.certpath.cn"),
        (Role.ENTERPRISE, "ordos@demo.certpath.cn"),
    ]
