"""Campaigns (评估工作): the authority's list and launch form, a campaign's progress table with
its quotas and drill-down, the enterprises of a unit, the Excel exports."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.clock import local_today
from app.excel import xlsx_response
from app.extensions import db
from app.lists import list_xlsx
from app.pagination import paginate
from app.pdf_layout import pdf_response
from app.security.permissions import Permission, requires
from blueprints.campaigns import (
    bulletin_exports,
    bulletins,
    campaign_list,
    contacts,
    exports,
    forms,
    progress,
    reminders,
    services,
)
from blueprints.campaigns.regions import units_of
from models import Campaign, ContactRole, Region

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns", template_folder="templates")


def index_page(conflict: str | None = None, **_view_args: object) -> str:
    authority = current_user.organisation
    if authority.region is None:
        abort(404)
    listed = campaign_list.campaigns_asked(authority, request.args)
    return render_template(
        "campaigns/index.html",
        page=paginate(listed.query),
        filters=listed.form,
        sort=listed.sort,
        given=listed.given,
        launch_form=pages.kept("launch") or forms.LaunchForm(formdata=None),
        unit_form=pages.kept("unit") or forms.SeparateUnitForm(formdata=None),
        separate=services.separate_units(authority),
        today=local_today(),
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.CAMPAIGNS_MANAGE)
def index():
    return index_page()


@bp.post("/launch")
@requires(Permission.CAMPAIGNS_MANAGE)
@pages.on_page(index_page)
def launch():
    form = pages.submitted("launch", forms.LaunchForm())
    pages.validate(form)
    assert form.opens_on.data and form.closes_on.data and form.report_due_on.data  # required
    plan = services.Launch(
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        report_due_on=form.report_due_on.data,
        title=(form.title.data or "").strip(),
        notice=(form.notice.data or "").strip(),
        target_tag=form.tag(),
    )
    for name, message in services.check_window(plan, local_today()).items():
        form[name].errors = [*form[name].errors, message]
    if form.errors:
        raise pages.FormInvalid()
    campaign = services.launch(current_user.organisation, current_user, plan)
    flash(_("The campaign is launched."), "success")
    return redirect(url_for("campaigns.view", campaign_id=campaign.id))


@bp.post("/separate-units")
@requires(Permission.CAMPAIGNS_MANAGE)
@pages.on_page(index_page)
def add_unit():
    form = pages.submitted("unit", forms.SeparateUnitForm())
    pages.validate(form)
    unit = services.add_separate_unit(current_user.organisation, form.code.data or "")
    flash(_("%(name)s now reports to you on its own.", name=unit.display_name), "success")
    return redirect(url_for("campaigns.index"))


@bp.post("/separate-units/<code>/remove")
@requires(Permission.CAMPAIGNS_MANAGE)
@pages.on_page(index_page)
def remove_unit(code: str):
    services.remove_separate_unit(current_user.organisation, code[:6])
    flash(_("The unit reports through its prefecture again."), "success")
    return redirect(url_for("campaigns.index"))


# --- one campaign -------------------------------------------------------------------------------


def _campaign_and_region(campaign_id: int) -> tuple[Campaign, Region]:
    """The campaign and the region asked for (``?region=``), both within what the signed-in
    authority sees; 404 otherwise."""
    found = services.in_view(campaign_id, current_user.organisation, request.args.get("region"))
    if found is None:
        abort(404)
    return found


def _quota_form(table: progress.Table) -> forms.QuotasForm:
    rows = [row for row in table.rows if not row.unit.direct]
    data = {
        "units": [
            {"code": r.unit.code, "absolute": r.absolute, "share_percent": r.share_percent}
            for r in rows
        ],
    }
    return forms.QuotasForm(formdata=None, data=data)


def campaign_page(campaign_id: int, conflict: str | None = None, **_view_args: object) -> str:
    campaign, region = _campaign_and_region(campaign_id)
    table = progress.table(campaign, region)
    # Quotas are set by the authority of the region the table is drawn for.
    authority = current_user.organisation
    sets_quotas = region.code == authority.region_code and any(
        not row.unit.direct for row in table.rows
    )
    issued = bulletins.nested_over(campaign, authority)
    today = local_today()
    quarter = bulletins.quarter_of(today)
    may_issue = (
        bulletins.may_issue(campaign, authority, region)
        and today >= campaign.opens_on
        and not any(b.region_code == region.code and b.quarter == quarter for b in issued)
    )
    return render_template(
        "campaigns/view.html",
        campaign=campaign,
        table=table,
        region=region,
        trail=_trail(campaign, region),
        quota_form=(pages.kept("quotas") or _quota_form(table)) if sets_quotas else None,
        unit_names={row.unit.code: row.unit.name for row in table.rows},
        definitions=exports.definitions(),
        today=today,
        bulletins=issued,
        may_issue=may_issue,
        quarter=quarter,
        conflict=conflict,
    )


def _trail(campaign: Campaign, region: Region) -> list[Region]:
    """The regions from where the viewer starts down to ``region``, for the breadcrumb."""
    start = services.default_region(campaign, current_user.organisation)
    trail: list[Region] = []
    current: Region | None = region
    while current is not None:
        trail.append(current)
        if start is None or current.code == start.code:
            break
        current = current.parent
    return list(reversed(trail))


@bp.get("/<int:campaign_id>")
@requires(Permission.CAMPAIGNS_MANAGE)
def view(campaign_id: int):
    return campaign_page(campaign_id)


@bp.post("/<int:campaign_id>/quotas")
@requires(Permission.CAMPAIGNS_MANAGE)
@pages.on_page(campaign_page)
def quotas(campaign_id: int):
    campaign, _region = _campaign_and_region(campaign_id)
    form = pages.submitted("quotas", forms.QuotasForm())
    pages.validate(form)
    # No version check: each unit's target is set outright, and two saves of the same unit
    # leave the later one (the composite key keeps them from doubling).
    changed = services.set_quotas(campaign, current_user.organisation, form.targets(), current_user)
    flash(_("Quotas saved (%(n)d changed).", n=changed), "success")
    return redirect(url_for("campaigns.view", campaign_id=campaign.id))


@bp.get("/<int:campaign_id>/progress.xlsx")
@requires(Permission.CAMPAIGNS_MANAGE)
def progress_xlsx(campaign_id: int):
    campaign, region = _campaign_and_region(campaign_id)
    table = progress.table(campaign, region)
    filename = f"progress-{campaign.year}-{campaign.round}-{region.code}.xlsx"
    return xlsx_response(functools.partial(exports.progress_xlsx, table), filename)


@bp.post("/<int:campaign_id>/bulletins")
@requires(Permission.CAMPAIGNS_MANAGE)
@pages.on_page(campaign_page)
def issue_bulletin(campaign_id: int):
    campaign, _region = _campaign_and_region(campaign_id)
    bulletin = bulletins.issue(campaign, current_user.organisation, current_user)
    flash(
        _(
            "The bulletin of %(quarter)s is issued; the authorities of your units are told.",
            quarter=bulletin.quarter,
        ),
        "success",
    )
    return redirect(url_for("campaigns.view", campaign_id=campaign.id) + "#bulletins-title")


def _bulletin(campaign_id: int, bulletin_id: int) -> tuple:
    """The bulletin, if the viewer's region issued it or lies in the region it covers; its
    region, the bulletin before it and its lines."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    bulletin = bulletins.visible(bulletin_id, campaign, current_user.organisation)
    if bulletin is None:
        abort(404)
    before = bulletins.previous(bulletin)
    region = db.session.get(Region, bulletin.region_code)
    return bulletin, region, before, bulletins.lines(bulletin, before)


def _bulletin_name(bulletin, extension: str) -> str:
    return f"bulletin-{bulletin.quarter}-{bulletin.region_code}.{extension}"


@bp.get("/<int:campaign_id>/bulletins/<int:bulletin_id>.pdf")
@requires(Permission.CAMPAIGNS_MANAGE)
def bulletin_pdf(campaign_id: int, bulletin_id: int):
    bulletin, region, before, lines = _bulletin(campaign_id, bulletin_id)
    locale = str(get_locale() or "zh")
    pdf = bulletin_exports.bulletin_pdf(bulletin, region, lines, before, locale)
    return pdf_response(pdf, _bulletin_name(bulletin, "pdf"))


@bp.get("/<int:campaign_id>/bulletins/<int:bulletin_id>.xlsx")
@requires(Permission.CAMPAIGNS_MANAGE)
def bulletin_xlsx(campaign_id: int, bulletin_id: int):
    bulletin, region, before, lines = _bulletin(campaign_id, bulletin_id)
    write = functools.partial(bulletin_exports.bulletin_xlsx, bulletin, region, lines, before)
    return xlsx_response(write, _bulletin_name(bulletin, "xlsx"))


ENTERPRISE_LISTS = ("taken", "absent")


def enterprises_page(campaign_id: int, conflict: str | None = None, **_view_args: object) -> str:
    campaign, region = _campaign_and_region(campaign_id)
    shown = request.args.get("show", "taken")
    shown = shown if shown in ENTERPRISE_LISTS else "taken"
    listed = campaign_list.enterprises_asked(campaign, units_of(region), shown, request.args)
    return render_template(
        "campaigns/enterprises.html",
        campaign=campaign,
        region=region,
        shown=shown,
        page=paginate(listed.query, rows=True),
        filters=listed.form,
        sort=listed.sort,
        given=listed.given,
        trail=_trail(campaign, region),
        may_remind=campaign.is_open(local_today()),
        conflict=conflict,
    )


@bp.get("/<int:campaign_id>/enterprises")
@requires(Permission.CAMPAIGNS_MANAGE)
def enterprises(campaign_id: int):
    return enterprises_page(campaign_id)


@bp.post("/<int:campaign_id>/remind")
@requires(Permission.CAMPAIGNS_MANAGE)
@pages.on_page(enterprises_page)
def remind(campaign_id: int):
    """Remind the absentees of the region asked for (``?region=``) that were not lately."""
    campaign, region = _campaign_and_region(campaign_id)
    done = reminders.remind(campaign, units_of(region), current_user.organisation, current_user)
    flash(
        _(
            "Reminded: %(sent)d enterprises. Not again within the week: %(recent)d. "
            "Without an account or an email address: %(unreachable)d.",
            sent=done.enterprises,
            recent=done.recently,
            unreachable=done.unreachable,
        ),
        "success",
    )
    if done.left:
        flash(_("%(n)d more are left for the next reminder.", n=done.left), "info")
    return redirect(
        url_for("campaigns.enterprises", campaign_id=campaign.id, region=region.code, show="absent")
    )


@bp.get("/<int:campaign_id>/enterprises.xlsx")
@requires(Permission.CAMPAIGNS_MANAGE)
def enterprises_xlsx(campaign_id: int):
    """The enterprises shown (taking part or not) in Excel: the rows the filters give, in
    their sort, across all pages."""
    campaign, region = _campaign_and_region(campaign_id)
    shown = request.args.get("show", "taken")
    shown = shown if shown in ENTERPRISE_LISTS else "taken"
    listed = campaign_list.enterprises_asked(campaign, units_of(region), shown, request.args)
    return list_xlsx(
        listed.query,
        header=campaign_list.header(shown),
        rows=campaign_list.rows_of(shown),
        sheet=_("Taking part") if shown == "taken" else _("Not taking part"),
        title=f"{region.display_name} — {campaign.title}",
        filename=f"enterprises-{campaign.year}-{campaign.round}-{region.code}-{shown}.xlsx",
        scalars=False,
    )


# --- contact persons (seed 001's annex) --------------------------------------------------------


def contacts_page(conflict: str | None = None, **_view_args: object) -> str:
    authority = current_user.organisation
    if authority.region is None:
        abort(404)
    held = contacts.of(authority)
    listed = contacts.below(authority, request.args)
    data = {
        role.value: {field: getattr(held[role], field) for field in contacts.FIELDS}
        for role in held
    }
    return render_template(
        "campaigns/contacts.html",
        form=pages.kept("contacts") or forms.ContactsForm(formdata=None, data=data),
        roles=list(ContactRole),
        page=paginate(listed.query, rows=True),
        filters=listed.form,
        sort=listed.sort,
        given=listed.given,
        conflict=conflict,
    )


@bp.get("/contacts")
@requires(Permission.CAMPAIGNS_MANAGE)
def contact_persons():
    return contacts_page()


@bp.post("/contacts")
@requires(Permission.CAMPAIGNS_MANAGE)
@pages.on_page(contacts_page)
def save_contacts():
    form = pages.submitted("contacts", forms.ContactsForm())
    pages.validate(form)
    given = {
        role: {field: (form[role.value][field].data or "").strip() for field in contacts.FIELDS}
        for role in ContactRole
    }
    contacts.save(current_user.organisation, given)
    flash(_("The contact persons are saved."), "success")
    return redirect(url_for("campaigns.contact_persons"))


@bp.get("/contacts.xlsx")
@requires(Permission.CAMPAIGNS_MANAGE)
def contacts_xlsx():
    """The contact persons below in Excel: the rows the filters give, in their sort, across
    all pages (a region's authorities, three people each: inline)."""
    authority = current_user.organisation
    if authority.region is None:
        abort(404)
    title = _("Contact persons of the authorities below %(name)s", name=authority.name)
    return list_xlsx(
        contacts.below(authority, request.args).query,
        header=[column.title for column in contacts.COLUMNS],
        rows=contacts.rows_of,
        sheet=_("Contact persons"),
        title=title,
        filename=f"contacts-{authority.region_code}.xlsx",
        scalars=False,
    )
