"""The subsidy part of a reform project's page (templates/reform/_subsidy.html): the outcomes,
the application with the maximum the rule allows, the city's decision and payment, each form
as the request submitted it (input and errors) or blank."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from app import pages
from app.forms import RemoveForm, enum_options
from blueprints.reform import subsidy, subsidy_forms
from blueprints.reform.subsidy_transitions import ACTION_TITLES
from models import ReformProject
from models.reform_subsidy import OutcomeCategory

# The subsidy's moves in the project's history (ReformEvent.action "subsidy_<move>").
HISTORY_TITLES = {f"subsidy_{name}": title for name, title in ACTION_TITLES.items()}


def outcome_form(key: str = "outcome", **data: Any) -> subsidy_forms.OutcomeForm:
    form = pages.kept(key) or subsidy_forms.OutcomeForm(formdata=None, **data)
    form.category.choices = enum_options(OutcomeCategory, blank=_("— choose —"))
    return form


def context(project: ReformProject) -> dict[str, Any]:
    return {
        "subsidy": subsidy.panel(project, current_user),
        "change_of": subsidy.change_of,
        "figure": subsidy.figure,
        "apply_form": pages.kept("apply") or subsidy_forms.ApplyForm(formdata=None),
        "subsidy_decision_form": pages.kept("subsidy_decision")
        or subsidy_forms.SubsidyDecisionForm(formdata=None),
        "payment_form": pages.kept("payment") or subsidy_forms.PaymentForm(formdata=None),
        "outcome_form": outcome_form(),
        "outcome_remove_form": pages.kept("outcome_remove") or RemoveForm(formdata=None),
    }
