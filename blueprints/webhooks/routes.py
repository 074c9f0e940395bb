"""The webhooks pages of an organisation's administrators: the endpoints (a new one, its secret
shown once; enable, disable, renew the secret, delete, send a test ping) and each endpoint's
delivery log (filtered, exported, a failed delivery delivered again)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user

from app import events, pages
from app.extensions import db
from app.input_boundary import version_field
from app.lists import list_xlsx
from app.pagination import paginate
from app.security.permissions import Permission, requires
from blueprints.webhooks import delivery_list, forms, outbox, services
from models import WebhookEndpoint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks", template_folder="templates")


@bp.record_once
def _hear_the_features(state: BlueprintSetupState) -> None:
    """Every announced event may become deliveries, in the transaction that announced it."""
    events.register(state.app, outbox.record)


def _organisation():
    organisation = current_user.organisation
    if organisation is None or not services.may_manage(current_user, organisation):
        abort(403)
    return organisation


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    """One of the organisation's endpoints; another organisation's is a miss (404)."""
    endpoint = services.one_of(_organisation().id, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def endpoints_page(
    conflict: str | None = None, new_secret: services.NewSecret | None = None, **_view_args
):
    organisation = _organisation()
    endpoints = services.of_organisation(organisation.id)
    return render_template(
        "webhooks/index.html",
        organisation=organisation,
        endpoints=endpoints,
        counts=services.counts_by_status([e.id for e in endpoints]),
        form=pages.kept("endpoint") or forms.EndpointForm(formdata=None),
        delete_form=forms.DeleteForm(formdata=None),
        secret_form=forms.SecretForm(formdata=None),
        action_form=forms.ActionForm(formdata=None),
        kept_delete=pages.kept("delete"),
        kept_secret=pages.kept("secret"),
        new_secret=new_secret,
        conflict=conflict,
    )


@bp.get("/")
@requires(Permission.WEBHOOKS_MANAGE)
def index():
    return endpoints_page()


@bp.post("/")
@requires(Permission.WEBHOOKS_MANAGE)
@pages.on_page(endpoints_page)
def create():
    organisation = _organisation()
    form = pages.submitted("endpoint", forms.EndpointForm())
    pages.validate(form)
    made = services.create(
        organisation, current_user, url=form.url.data or "", events=form.chosen_events()
    )
    db.session.commit()
    # The secret is on this answer and nowhere else: not in a redirect, a flash or a log.
    return endpoints_page(new_secret=made), 201, {"Cache-Control": "no-store"}


@bp.post("/<int:endpoint_id>/enable")
@requires(Permission.WEBHOOKS_MANAGE)
@pages.on_page(endpoints_page)
def enable(endpoint_id: int):
    return _set_enabled(endpoint_id, enabled=True)


@bp.post("/<int:endpoint_id>/disable")
@requires(Permission.WEBHOOKS_MANAGE)
@pages.on_page(endpoints_page)
def disable(endpoint_id: int):
    return _set_enabled(endpoint_id, enabled=False)


def _set_enabled(endpoint_id: int, *, enabled: bool):
    endpoint = _endpoint(endpoint_id)
    pages.validate(forms.ActionForm())
    services.set_enabled(endpoint, enabled, version_field())
    db.session.commit()
    if enabled:
        flash(_("The endpoint is enabled: waiting deliveries go out again."), "success")
    else:
        flash(_("The endpoint is disabled: deliveries wait until it is enabled."), "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:endpoint_id>/secret")
@requires(Permission.WEBHOOKS_MANAGE)
@pages.on_page(endpoints_page)
def renew_secret(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    form = pages.submitted("secret", forms.SecretForm())
    pages.validate(form)
    made = services.renew_secret(endpoint, version_field())
    db.session.commit()
    return endpoints_page(new_secret=made), 200, {"Cache-Control": "no-store"}


@bp.post("/<int:endpoint_id>/delete")
@requires(Permission.WEBHOOKS_MANAGE)
@pages.on_page(endpoints_page)
def delete(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    form = pages.submitted("delete", forms.DeleteForm())
    pages.validate(form)
    url = endpoint.url
    services.delete(endpoint, version_field())
    db.session.commit()
    flash(_("The endpoint %(url)s is deleted.", url=url), "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:endpoint_id>/ping")
@requires(Permission.WEBHOOKS_MANAGE)
@pages.on_page(endpoints_page)
def ping(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    pages.validate(forms.ActionForm())
    services.ping(endpoint)
    db.session.commit()
    flash(_("A test ping is queued: it shows in the delivery log once sent."), "success")
    return redirect(url_for("webhooks.deliveries", endpoint_id=endpoint.id))


# --- the delivery log ----------------------------------------------------------------------


def deliveries_page(conflict: str | None = None, *, endpoint_id: int, **_view_args):
    endpoint = _endpoint(endpoint_id)
    listed = delivery_list.asked(endpoint, request.args)
    return render_template(
        "webhooks/deliveries.html",
        endpoint=endpoint,
        page=paginate(listed.query),
        form=listed.form,
        sort=listed.sort,
        given=listed.given,
        action_form=forms.ActionForm(formdata=None),
        conflict=conflict,
    )


@bp.get("/<int:endpoint_id>/deliveries")
@requires(Permission.WEBHOOKS_MANAGE)
def deliveries(endpoint_id: int):
    return deliveries_page(endpoint_id=endpoint_id)


@bp.get("/<int:endpoint_id>/deliveries.xlsx")
@requires(Permission.WEBHOOKS_MANAGE)
def deliveries_xlsx(endpoint_id: int):
    """The log in Excel: the rows the filters give, in their sort, across all pages."""
    endpoint = _endpoint(endpoint_id)
    return list_xlsx(
        delivery_list.asked(endpoint, request.args).query,
        header=[column.title for column in delivery_list.COLUMNS],
        rows=delivery_list.rows_of,
        sheet=_("Deliveries"),
        title=_("Webhook deliveries"),
        filename=f"webhook-{endpoint.id}-deliveries.xlsx",
    )


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/again")
@requires(Permission.WEBHOOKS_MANAGE)
@pages.on_page(deliveries_page)
def deliver_again(endpoint_id: int, delivery_id: int):
    endpoint = _endpoint(endpoint_id)
    delivery = services.delivery_of(endpoint, delivery_id)
    if delivery is None:
        abort(404)
    pages.validate(forms.ActionForm())
    services.deliver_again(delivery)
    db.session.commit()
    flash(_("The delivery is queued again."), "success")
    return redirect(url_for("webhooks.deliveries", endpoint_id=endpoint.id, status="dead"))
