"""What people do on Certpath's pages, in words the journeys read like."""

from __future__ import annotations

import io
import re

from PIL import Image
from stdnum.cn import uscc

from blueprints.assessment.questionnaire import load_all
from tests.browser.conftest import check_accessibility, dispatch, shot
from tests.conftest import Mailbox, links_in
from tests.functional.assessment.helpers import answers_for
from tests.functional.projects.helpers import PDF


def register(
    page, org: str, code17: str, county: str, person: str, email: str, password: str, address: str
):
    """Fill in the registration form (an enterprise of machinery, division 34) and send it;
    the page then says where the activation link went."""
    page.fill("#org_name", org)
    page.fill("#credit_code", code17 + uscc.calc_check_digit(code17))
    page.select_option("#region_1", county[:2] + "0000")
    page.wait_for_selector(f"#region_2 option[value='{county}']", state="attached")
    page.select_option("#region_2", county)
    page.select_option("#industry", "34")  # the discrete-manufacturing questionnaire
    page.select_option("#size", "medium")
    page.fill("#address", address)
    page.fill("#contact_phone", "021-55550000")
    page.fill("#name", person)
    page.fill("#email", email)
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.check("#accept_terms")
    page.click("form button[type=submit]")
    page.wait_for_selector(f"text={email}")
    check_accessibility(page)


def activate_and_sign_in(page, live_server, mailbox, email: str, password: str):
    """Open the link of the activation email the SMTP server received, then sign in.
    Returns the email."""
    dispatch(live_server)
    [mail] = mailbox.to(email)
    [link] = [u for u in links_in(Mailbox.text(mail)) if "/verify/" in u]
    assert link.startswith(live_server["base"])
    page.goto(link)
    check_accessibility(page)
    page.click("main form button[type=submit]")  # the link shows a button; the button confirms
    page.wait_for_url(re.compile(r".*/login$"))
    check_accessibility(page)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r".*/dashboard$"))
    check_accessibility(page)
    return mail


def answer_self_assessment(page, base: str, questionnaire_id: str, shoot=None) -> None:
    """Start this year's questionnaire, answer it page by page, confirm and submit."""
    page.goto(base + "/assessments/")
    check_accessibility(page)
    page.click("form[action$='/assessments/start'] button")
    page.wait_for_url(re.compile(r".*/fill/.*"))
    questionnaire = load_all()[questionnaire_id]
    answers = answers_for(questionnaire)
    for index, section in enumerate(questionnaire.sections):
        check_accessibility(page)
        if index == 1 and shoot:
            shoot(page)
        for question in section.questions:
            name = "q_" + question.key
            values = answers[name]
            if question.type in ("single", "yes_no"):
                page.check(f"input[name='{name}'][value='{values[0]}']")
            elif question.type == "multiple":
                for value in values:
                    page.check(f"input[name='{name}'][value='{value}']")
            else:
                page.fill(f"[name='{name}']", values[0])
        page.click("button[name=move][value=next]")
        page.wait_for_load_state()
    assert "/confirm" in page.url
    check_accessibility(page)
    page.check("#confirm")
    page.click("form[action$='/submit'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    check_accessibility(page)


def open_project(page, base: str, enterprise: str, shoot: str | None = None) -> None:
    page.goto(base + "/projects/")
    check_accessibility(page)
    if shoot:
        shot(page, shoot)
    page.click(f"table a:text-is('{enterprise}')")
    page.wait_for_url(re.compile(r".*/projects/\d+$"))
    check_accessibility(page)


def action(page, name: str):
    """The card of one next action on the project page."""
    return page.locator(f"form[action$='/actions/{name}']")


def act(page, name: str, fields: dict | None = None, expect_error: str | None = None) -> None:
    """Fill an action's fields (by field name) and submit it; the page must then say Done,
    or show ``expect_error``."""
    form = action(page, name)
    for field, value in (fields or {}).items():
        control = form.locator(f"[name='{field}']")
        tag = control.evaluate("el => el.tagName")
        if tag == "SELECT":
            texts = value if isinstance(value, list) else [value]
            control.select_option(
                [control.locator("option", has_text=t).first.get_attribute("value") for t in texts]
            )
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    if expect_error:
        assert expect_error in page.inner_text("body"), page.inner_text("body")[:1500]
        return
    assert page.locator(".alert-success").count(), (name, page.inner_text("body")[:1500])
    check_accessibility(page)


def sign_the_pledge(page, base: str, year: int) -> None:
    """Sign the yearly impartiality pledge for ``year`` unless it is signed already: the demo
    declares its people for the year it was loaded, and the story's clock may cross into the
    next, when no one may sit on an audit team until they have signed again."""
    page.goto(base + "/declarations/")
    check_accessibility(page)
    if page.locator(".alert-success[role=status]", has_text=str(year)).count():
        return
    page.select_option("#s-year", str(year))
    page.check("#s-pledge")
    with page.expect_navigation():
        page.click("form[action$='/declarations/sign'] button[type=submit]")
    assert page.locator(".alert-success", has_text=str(year)).count(), page.inner_text("main")


def refused(page, name: str, reason: str) -> None:
    """An action the table offers but a guard refuses now: its button is disabled and the
    reason stands beside it, before anyone clicks."""
    button = page.locator(f"#actions button[data-action='{name}']")
    assert button.is_disabled(), (name, page.inner_text("#actions"))
    assert reason in page.inner_text(f"#why-{name}"), page.inner_text("#actions")
    check_accessibility(page)


def upload(page, kind: str, filename: str, step: int | None = None) -> None:
    page.select_option("#doc-kind", kind)
    page.select_option("#doc-step", str(step) if step else "")
    page.set_input_files(
        "#doc-file", files=[{"name": filename, "mimeType": "application/pdf", "buffer": PDF}]
    )
    with page.expect_navigation():
        page.click("form[action$='/documents'] button[type=submit]")
    assert filename in page.locator("#documents + .table-responsive > table").inner_text()


def png() -> bytes:
    """A real photo-sized PNG of the corrected workplace, as a phone would send it."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()
