"""Certificates: the public register and verification page, the PDF, the holder's list, and
the alliance's lifecycle actions. The surveillance schedule on the certificate page is the
surveillance feature's panel (a template hook)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from app import pages, workflow
from app.clock import local_today
from app.forms import filters_of
from app.input_boundary import version_field
from app.list_exports import list_export
from app.lists import list_xlsx
from app.pagination import paginate
from app.pdf_layout import pdf_response
from app.public_cache import (
    Tagged,
    anonymous_without_state,
    kept_under_generation,
    memo,
    public_cacheable,
)
from app.security.access import get_project_or_404
from app.security.permissions import Permission, has_permission, public_rate_limited, requires
from app.urls import external_url
from blueprints.certificates import (
    forms,
    held_list,
    queries,
    queues,
    region_list,
    services,
    transitions,
)
from blueprints.certificates.pdf import CertificateData, certificate_pdf
from blueprints.certificates.standing import Standing
from blueprints.reference.names import region_label
from models import REGISTER_GENERATION, Certificate, CertificateStatus, ProjectStatus

bp = Blueprint("certificates", __name__, url_prefix="/certificates", template_folder="templates")


@bp.get("/")
@public_rate_limited
def register():
    """The public register. An anonymous visitor's page is the same for everyone asking the
    same in their language: kept rendered under the register's generation, which any write
    to a certificate or an evaluation body raises (app/public_cache.py)."""
    return kept_under_generation(REGISTER_GENERATION, _register_page)


def _register_page() -> str:
    form = forms.RegisterSearchForm(request.args)
    filters = filters_of(form)
    query = queries.register_query(
        number=filters["number"] or "",
        name=filters["name"] or "",
        regions=form.region.prefixes,
        body_id=filters["body"],
        status=filters["status"] or "",
        since=filters["since"],
        until=filters["until"],
    )
    if form.region.errors:  # a region that is none: nothing, rather than the whole country
        query = query.where(sa.false())
    # The register grows without end: its count stops at REGISTER_COUNT_AT_MOST.
    page = paginate(query, count_at_most=queries.REGISTER_COUNT_AT_MOST)
    return render_template(
        "certificates/register.html",
        page=page,
        bodies=queries.body_choices(),
        filters=form.given(),
        form=form,
        today=local_today(),
    )


@bp.get("/region")
@requires(Permission.REGION_PROJECTS_VIEW)
def region():
    """The certificates of the enterprises of the viewer's region, read only."""
    return region_list.LIST.page(
        "certificates/region.html",
        statuses=list(CertificateStatus),
        expiring_days=region_list.EXPIRING_DAYS,
        today=local_today(),
    )


@bp.route("/region.xlsx", methods=["GET", "POST"])
@list_export
@requires(Permission.REGION_PROJECTS_VIEW)
def region_xlsx():
    return region_list.LIST.xlsx()


def _by_number_or_404(number: str) -> Certificate:
    certificate = queries.by_number(number)
    if certificate is None:
        abort(404)
    return certificate


# What the public sees of the viewer's part of the page: no requests, actions or forms.
_NOTHING_OF_THE_VIEWER: dict[str, object] = {
    "requests": [],
    "actions": [],
    "action_forms": {},
    "request_form": None,
    "manage": False,
    "holder": False,
    "downloadable": False,
    "conflict": None,
}


def _render(
    certificate: Certificate | queries.PublicCertificate,
    successor_number: str | None,
    standing: Standing,
    **viewer: object,
) -> str:
    today = local_today()
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        successor_number=successor_number,
        standing=standing,
        today=today,
        live=certificate.status_on(today),
        region=region_label(certificate.region_code),
        action_titles=transitions.STAFF_ACTION_TITLES,
        **{**_NOTHING_OF_THE_VIEWER, **viewer},
    )


def certificate_page(number: str, conflict: str | None = None, **_view_args: object) -> str:
    """The certificate's live page as a signed-in user sees it: what the public verifies, the
    holder's request form, and for alliance staff the lifecycle actions the table offers now
    (one a guard refuses shown disabled with its reason). A form this request submitted is
    shown with its input and errors, the others blank."""
    certificate = _by_number_or_404(number)
    manage = has_permission(current_user, Permission.CERTIFICATES_MANAGE)
    holder = getattr(current_user, "organisation_id", None) == certificate.organisation_id
    actions = (
        [
            option
            for option in workflow.options(
                transitions.TRANSITIONS, certificate, certificate.status, current_user
            )
            if option.name in transitions.STAFF_ACTION_TITLES
        ]
        if manage
        else []
    )
    successor = queries.successor_of(certificate)
    return _render(
        certificate,
        successor.number if successor else None,
        queries.standing_of(certificate),
        requests=services.open_requests(certificate) if holder or manage else [],
        actions=actions,
        action_forms={
            option.name: pages.kept(option.name) or forms.change_form(option.name, formdata=None)
            for option in actions
            if option.enabled
        },
        request_form=(pages.kept("request") or forms.RequestForm(formdata=None))
        if holder
        else None,
        manage=manage,
        holder=holder,
        downloadable=services.may_download(certificate, current_user),
        conflict=conflict,
    )


@bp.get("/<number>")
@public_rate_limited
def verify(number: str):
    """What a QR code opens. An anonymous visitor's page is the same for everyone in their
    language: read in one query, rendered once per process while it does not change."""
    if not anonymous_without_state():
        try:
            return certificate_page(number)
        except NotFound:
            return _unknown(number)
    certificate = queries.public_certificate(number)
    if certificate is None:
        return _unknown(number)
    key = (request.full_path, str(get_locale()), local_today(), certificate)
    page = memo().page(
        key,
        lambda: Tagged.of(_render(certificate, certificate.successor_number, certificate.standing)),
    )
    return public_cacheable(page)


def _unknown(number: str) -> tuple[str, int]:
    """A number nobody issued (a typo, a forged QR code): said so, with the register's search
    for it beside, rather than the generic "not found"."""
    typed = number[: queries.NUMBER_SHOWN_AT_MOST]
    return render_template("certificates/unknown.html", number=typed), 404


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
        region=region_label(certificate.region_code, localised_names=False),
        scope_zh=certificate.scope,
        scope_en=services.scope_sentence_en(
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
        seal_image=current_app.config["CERTIFICATE_SEAL_IMAGE"],
    )


@bp.get("/<number>/certificate.pdf")
@requires(Permission.DASHBOARD_VIEW)
def pdf(number: str):
    certificate = _by_number_or_404(number)
    if not services.may_download(certificate, current_user):
        abort(404)
    return pdf_response(certificate_pdf(pdf_data(certificate)), f"{certificate.number}.pdf")


@bp.get("/mine")
@requires(Permission.CERTIFICATES_OWN)
def mine():
    listed = held_list.asked(current_user.organisation_id, request.args)
    return render_template(
        "certificates/mine.html",
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        today=local_today(),
    )


@bp.get("/mine.xlsx")
@requires(Permission.CERTIFICATES_OWN)
def mine_xlsx():
    """The holder's certificates in Excel: the rows the filters give, in their sort, across
    all pages (a holder's few: never a background export)."""
    return list_xlsx(
        held_list.asked(current_user.organisation_id, request.args).query,
        header=[column.title for column in held_list.COLUMNS],
        rows=held_list.rows_of,
        sheet=_("My certificates"),
        title=f"{current_user.organisation.name} — {_('My certificates')}",
        filename=f"certificates-{local_today().isoformat()}.xlsx",
    )


@bp.post("/<number>/actions/<action>")
@requires(Permission.CERTIFICATES_MANAGE)
@pages.on_page(certificate_page)
def act(number: str, action: str):
    certificate = _by_number_or_404(number)
    if action not in transitions.STAFF_ACTIONS:
        abort(404)
    form = pages.submitted(action, forms.change_form(action))
    # Version, state and guards first: an impossible action is a 409 whatever the form holds.
    workflow.expect_version(certificate, version_field())
    workflow.begin(transitions.TRANSITIONS, certificate, action, certificate.status, current_user)
    pages.validate(form)
    current = services.perform(
        certificate,
        action,
        current_user,
        form.reason.data or "",
        new_name=form.new_name.data or "",
        new_address=form.new_address.data or "",
    )
    flash(_("The certificate is now: %(status)s.", status=current.status.title), "success")
    return redirect(url_for("certificates.verify", number=current.number))


@bp.post("/<number>/requests")
@requires(Permission.CERTIFICATES_OWN)
@pages.on_page(certificate_page)
def ask(number: str):
    certificate = _by_number_or_404(number)
    if certificate.organisation_id != current_user.organisation_id:
        abort(404)
    form = pages.submitted("request", forms.RequestForm())
    pages.validate(form)
    services.request_change(
        certificate,
        current_user,
        form.kind.data or "",
        form.reason.data or "",
        form.new_name.data or "",
        form.new_address.data or "",
    )
    flash(_("Your request has been sent to the alliance."), "success")
    return redirect(url_for("certificates.verify", number=certificate.number))


DRAFT_STATUSES = frozenset(
    {ProjectStatus.READY_FOR_PUBLICITY, ProjectStatus.IN_PUBLICITY, ProjectStatus.READY_TO_ISSUE}
)


@bp.get("/draft/<int:project_id>.pdf")
@requires(Permission.CERTIFICATES_MANAGE)
def draft(project_id: int):
    """The certificate as it will read, watermarked, for checking before it is issued."""
    project = get_project_or_404(project_id, Permission.CERTIFICATES_MANAGE)
    if project.status not in DRAFT_STATUSES or project.body is None:
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
    return pdf_response(certificate_pdf(data), f"draft-{project.id}.pdf", inline=True)


# The staff queues (holder requests, the evaluation body's certificates): a blueprint of their
# own under this one's URL prefix, so that this module keeps to the register and the lifecycle.
bp.register_blueprint(queues.bp)
