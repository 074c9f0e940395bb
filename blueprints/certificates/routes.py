"""Certificates: the public register and verification page, the PDF, the holder's list, and
the alliance's lifecycle actions."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import local_today
from app.extensions import db
from app.security.permissions import (
    Permission,
    has_permission,
    public_rate_limited,
    requires,
)
from app.urls import external_url
from blueprints.certificates import queries, services
from blueprints.certificates.pdf import CertificateData, certificate_pdf
from blueprints.certificates.services import scope_sentence_en
from blueprints.reference.services import region_chain
from blueprints.surveillance.services import schedule_of
from models import Certificate, CertificateStatus, Organisation, OrgKind

bp = Blueprint("certificates", __name__, url_prefix="/certificates", template_folder="templates")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.get("/")
@public_rate_limited
def register():
    args = request.args
    body_id = args.get("body", type=int)
    query = queries.register_query(
        number=args.get("number", "")[:40],
        name=args.get("name", "")[:100],
        region=args.get("region", "")[:6],
        body_id=body_id,
        status=args.get("status", ""),
        since=_date(args.get("since")),
        until=_date(args.get("until")),
    )
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    bodies = db.session.execute(
        sa.select(Organisation.id, Organisation.body_code, Organisation.name)
        .where(Organisation.kind == OrgKind.EVALUATION_BODY)
        .order_by(Organisation.body_code)
    ).all()
    filters = {
        k: v
        for k, v in args.items()
        if k in ("number", "name", "region", "body", "status", "since", "until") and v
    }
    return render_template(
        "certificates/register.html", page=page, bodies=bodies, filters=filters, today=local_today()
    )


def _by_number_or_404(number: str) -> Certificate:
    certificate = db.session.scalar(
        sa.select(Certificate).where(Certificate.number == number.strip().upper())
    )
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/<number>")
@public_rate_limited
def verify(number: str):
    certificate = _by_number_or_404(number)
    successor = (
        db.session.scalar(sa.select(Certificate).where(Certificate.supersedes_id == certificate.id))
        if certificate.status.value == "superseded"
        else None
    )
    manage = has_permission(current_user, Permission.CERTIFICATES_MANAGE)
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        successor=successor,
        requests=services.open_requests(certificate),
        schedule=schedule_of(certificate),
        body_member=getattr(current_user, "organisation_id", None) == certificate.body_id
        and has_permission(current_user, Permission.PROJECT_EVALUATE),
        evaluators=body_evaluators(certificate),
        today=local_today(),
        live=certificate.status_on(local_today()),
        manage=manage,
        holder=getattr(current_user, "organisation_id", None) == certificate.organisation_id,
        downloadable=services.may_download(certificate, current_user),
        region=" ".join(r.display_name for r in region_chain(certificate.region_code)),
    )


def body_evaluators(certificate: Certificate) -> list:
    from models import Role, User

    if getattr(current_user, "organisation_id", None) != certificate.body_id:
        return []
    return list(
        db.session.execute(
            sa.select(User.id, User.name)
            .where(
                User.organisation_id == certificate.body_id,
                User.role == Role.EVALUATOR,
                User.active.is_(True),
            )
            .order_by(User.name)
        ).all()
    )


def pdf_data(certificate: Certificate) -> CertificateData:
    live = certificate.status_on(local_today())
    with force_locale("zh"):
        status_zh = live.title
    with force_locale("en"):
        status_en = live.title
    return CertificateData(
        number=certificate.number,
        enterprise_name=certificate.enterprise_name,
        enterprise_name_en=None,
        address=certificate.address,
        region=" ".join(r.name for r in region_chain(certificate.region_code)),
        scope_zh=certificate.scope,
        scope_en=scope_sentence_en(
            certificate.address, certificate.enterprise_name, certificate.capabilities
        ),
        standard=certificate.standard,
        body_name=certificate.body.name,
        body_code=certificate.body.body_code or "",
        effective_on=certificate.effective_on,
        expires_on=certificate.expires_on,
        issued_on=certificate.issued_at.date(),
        status_zh=status_zh,
        status_en=status_en,
        verify_url=external_url("certificates.verify", number=certificate.number),
    )


@bp.get("/<number>/certificate.pdf")
@requires(Permission.DASHBOARD_VIEW)
def pdf(number: str):
    certificate = _by_number_or_404(number)
    if not services.may_download(certificate, current_user):
        abort(404)
    response = Response(certificate_pdf(pdf_data(certificate)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/mine")
@requires(Permission.CERTIFICATES_OWN)
def mine():
    certificates = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.organisation_id == current_user.organisation_id)
        .order_by(Certificate.issued_at.desc())
    ).all()
    return render_template("certificates/mine.html", certificates=certificates, today=local_today())


@bp.post("/<number>/actions/<action>")
@requires(Permission.CERTIFICATES_MANAGE)
def act(number: str, action: str):
    certificate = _by_number_or_404(number)
    if action not in services.CHANGES:
        abort(404)
    current = services.change(
        certificate,
        action,
        current_user,
        request.form.get("reason", ""),
        new_name=request.form.get("new_name", "")[:200],
        new_address=request.form.get("new_address", "")[:300],
    )
    services.close_requests(certificate, action, current_user)
    flash(_("The certificate is now: %(status)s.", status=current.status.title), "success")
    return redirect(url_for("certificates.verify", number=current.number))


@bp.post("/<number>/requests")
@requires(Permission.CERTIFICATES_OWN)
def ask(number: str):
    certificate = _by_number_or_404(number)
    if certificate.organisation_id != current_user.organisation_id:
        abort(404)
    services.request_change(
        certificate,
        current_user,
        request.form.get("kind", ""),
        request.form.get("reason", "")[:2000],
        request.form.get("new_name", "")[:200],
        request.form.get("new_address", "")[:300],
    )
    flash(_("Your request has been sent to the alliance."), "success")
    return redirect(url_for("certificates.verify", number=certificate.number))


DRAFT_STATUSES = frozenset({"ready_for_publicity", "in_publicity", "ready_to_issue"})


@bp.get("/draft/<int:project_id>.pdf")
@requires(Permission.CERTIFICATES_MANAGE)
def draft(project_id: int):
    """The certificate as it will read, watermarked, for checking before it is issued."""
    from app.security.access import get_project_or_404

    project = get_project_or_404(project_id, Permission.CERTIFICATES_MANAGE)
    if project.status.value not in DRAFT_STATUSES or project.body is None:
        abort(404)
    org, today = project.organisation, local_today()
    preview = Certificate(
        number=f"CSAIII-{project.body.body_code}{today.year % 100:02d}IIIMS-----01",
        body=project.body,
        enterprise_name=org.name,
        address=org.address,
        region_code=org.region_code,
        capabilities=list(project.capabilities),
        scope=services.scope_sentence(org.address, org.name, project.capabilities),
        standard=services.STANDARD,
        effective_on=today,
        expires_on=services.expiry_for(today),
        issued_at=datetime.combine(today, datetime.min.time()),
    )
    preview.status = CertificateStatus.VALID
    data = dataclasses.replace(pdf_data(preview), draft=True)
    response = Response(certificate_pdf(data), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="draft-{project.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _item_or_404(certificate: Certificate, item_id: int):
    from models import ScheduleItem

    item = db.session.get(ScheduleItem, item_id)
    if item is None or item.certificate_id != certificate.id:
        abort(404)
    return item


def _body_evaluator_or_404(certificate: Certificate) -> None:
    if current_user.organisation_id != certificate.body_id:
        abort(404)


@bp.post("/<number>/schedule/<int:item_id>/plan")
@requires(Permission.PROJECT_EVALUATE)
def plan_surveillance(number: str, item_id: int):
    from blueprints.surveillance.services import plan_audit

    certificate = _by_number_or_404(number)
    _body_evaluator_or_404(certificate)
    item = _item_or_404(certificate, item_id)
    audit = plan_audit(
        item,
        current_user,
        _date(request.form.get("starts_on")),
        _date(request.form.get("ends_on")),
        [int(v) for v in request.form.getlist("member_ids") if v.isdigit()],
        request.form.get("scope", "")[:2000],
    )
    flash(_("The surveillance audit is planned."), "success")
    return redirect(url_for("audits.view", audit_id=audit.id))


@bp.post("/<number>/schedule/<int:item_id>/conclude")
@requires(Permission.PROJECT_EVALUATE)
def conclude_surveillance(number: str, item_id: int):
    from blueprints.surveillance.services import conclude_audit

    certificate = _by_number_or_404(number)
    _body_evaluator_or_404(certificate)
    item = _item_or_404(certificate, item_id)
    conclude_audit(
        item,
        current_user,
        request.form.get("decision", ""),
        _date(request.form.get("completed_on")),
        request.form.get("reason", "")[:500],
    )
    flash(_("The surveillance audit is concluded."), "success")
    return redirect(url_for("certificates.verify", number=certificate.number))


@bp.post("/<number>/schedule/<int:item_id>/recertification/<step>")
@requires(Permission.CERTIFICATES_MANAGE)
def recertification(number: str, item_id: int, step: str):
    from blueprints.surveillance.services import recertification_issue, recertification_review

    certificate = _by_number_or_404(number)
    item = _item_or_404(certificate, item_id)
    if step == "review":
        recertification_review(item, current_user)
        flash(_("Compliance review passed: another staff member re-reviews and issues."), "success")
        return redirect(url_for("certificates.verify", number=certificate.number))
    if step != "issue":
        abort(404)
    new = recertification_issue(item, current_user)
    flash(_("The new certificate %(number)s has been issued.", number=new.number), "success")
    return redirect(url_for("certificates.verify", number=new.number))
