"""The portal's announcements (通知公告) in the demo: two of the alliance — the list of evaluation
bodies, with the list as a PDF attachment, and the surveillance reminder — and one of the
Shanghai authority on its pilot enterprises, dated in the last weeks so that the front page and
/announcements/ show them newest first. Idempotent by title."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from reportlab.platypus import Spacer
from werkzeug.datastructures import FileStorage

from app.clock import local_today, utcnow
from app.extensions import db
from app.fonts import FontUnavailable, cjk_font
from app.pdf_layout import build, grid, para, styles
from blueprints.demo.people import first_user
from blueprints.demo.projects import PDF
from blueprints.notices import services as notices
from models import Notice, NoticeAudience, Organisation

BODIES_TITLE = "关于公布%d年两化融合管理体系评定机构名录的公告"
BODIES_TEXT = (
    "根据《信息化和工业化融合管理体系 要求》（GB/T 23001-2017）评定工作有关规定，经审核，"
    "现将%d年两化融合管理体系评定机构名录予以公告（见附件）。\n\n"
    "企业可自主选择名录内的评定机构申请评定。评定机构应严格按照评定工作规范开展评定，"
    "对评定结论的真实性负责。\n\n特此公告。"
)
SURVEILLANCE_TITLE = "关于做好两化融合管理体系证书监督评定工作的通知"
SURVEILLANCE_TEXT = (
    "两化融合管理体系评定证书有效期为三年，有效期内应接受两次监督评定：第一次在证书生效之日起"
    "12个月内完成，第二次在24个月内完成。\n\n未按期完成监督评定的，证书将被暂停；"
    "暂停超过6个月的，证书将被撤销。请获证企业提前与评定机构联系，合理安排监督评定。"
    "证书状态以平台「证书查询」所示为准。"
)
PILOT_TITLE = "关于开展%d年上海市两化融合管理体系贯标试点工作的通知"
PILOT_TEXT = (
    "为推动本市制造业数字化转型，市经济信息化委决定组织开展%d年两化融合管理体系贯标试点工作。"
    "\n\n一、试点对象：本市规模以上工业企业，已在平台完成当年度自评估。\n"
    "二、工作安排：企业于本通知发布之日起30日内登录平台提交贯标项目，"
    "各区主管部门做好组织推荐。\n三、支持政策：通过评定的试点企业按有关规定给予支持。"
)


def bodies_pdf(year: int, bodies: Sequence[tuple[str, str, str]]) -> bytes:
    """The list of evaluation bodies as a one-page PDF (an empty one without the font)."""
    try:
        font = cjk_font()
    except FontUnavailable:
        return PDF
    look = styles(font)
    title = f"{year}年两化融合管理体系评定机构名录"
    rows = [["代码", "评定机构", "所在地区代码"]]
    rows += [[code, name, region] for code, name, region in bodies]
    story = [para(title, look["title"]), Spacer(1, 12), grid(rows, (50, 300, 100), look)]
    return build(story, font=font, title=title, locale="zh", footer_left="两化融合服务联盟")


def _exists(title: str) -> bool:
    return bool(db.session.scalar(sa.select(Notice.id).where(Notice.title == title)))


def _publish(sender: Organisation, title: str, text: str, days_ago: int, files=()) -> None:
    if _exists(title):
        return
    notice = notices.publish(first_user(sender), title, text, NoticeAudience.PUBLIC, list(files))
    notice.published_at = utcnow() - timedelta(days=days_ago)


def load(
    alliance: Organisation, city: Organisation, bodies: Sequence[tuple[str, str, str]]
) -> None:
    year = local_today().year
    _publish(alliance, SURVEILLANCE_TITLE, SURVEILLANCE_TEXT, 40)
    attachment = FileStorage(
        io.BytesIO(bodies_pdf(year, bodies)),
        filename=f"{year}年两化融合管理体系评定机构名录.pdf",
        content_type="application/pdf",
    )
    _publish(alliance, BODIES_TITLE % year, BODIES_TEXT % year, 12, [attachment])
    _publish(city, PILOT_TITLE % year, PILOT_TEXT % year, 3)
    db.session.flush()
