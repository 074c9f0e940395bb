"""The public complaint form (/complaints): anyone, signed in or not, complains about a
certificate holder (by its certificate's number), an evaluation body or a consultancy —
rate-limited per address, with CSRF, errors beside the fields and the input kept. The page
says nothing of any case: the reference goes to the complainant alone (the message after
sending, and the email)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages, uploads
from app.security.permissions import public_rate_limited
from blueprints.cases import filing, forms
from models import CaseSubject

bp = Blueprint("complaints", __name__, url_prefix="/complaints", template_folder="templates")


def complaint_page(conflict: str | None = None, **_view_args: object) -> str:
    form = pages.kept("complaint")
    if form is None:
        signed_in = current_user.is_authenticated
        number = request.args.get("certificate", "")[:40]
        form = forms.ComplaintForm(
            formdata=None,
            subject=CaseSubject.CERTIFICATE.value if number else None,
            certificate_number=number,
            name=current_user.name if signed_in else "",
            email=current_user.email if signed_in else "",
        )
    return render_template("cases/complain.html", form=form, conflict=conflict)


@bp.get("/")
@public_rate_limited
def form():
    return complaint_page()


@bp.post("/")
@public_rate_limited
@pages.on_page(complaint_page)
def lodge():
    form = pages.submitted("complaint", forms.ComplaintForm())
    pages.validate(form)
    who = filing.Complainant(
        name=form.name.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        locale=str(get_locale() or "zh"),
        address=request.remote_addr or "",
        user=current_user if current_user.is_authenticated else None,
    )
    subject = CaseSubject(form.subject.data)
    try:
        case = filing.complain(
            who,
            subject,
            form.grounds.data or "",
            certificate_number=form.certificate_number.data or "",
            organisation_id=form.chosen_organisation(),
            files=form.files.data or [],
        )
    except filing.UnknownCertificate as error:
        pages.refuse(form.certificate_number, error.message)
    except uploads.UploadError as error:
        pages.refuse(form.files, str(error.message))
    flash(
        _(
            "Your complaint is received under the reference %(reference)s. The alliance "
            "answers you by email at %(email)s.",
            reference=case.reference,
            email=case.email,
        ),
        "success",
    )
    return redirect(url_for("complaints.form"))
