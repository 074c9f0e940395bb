"""The read-only half of a project's page, kept rendered per process (blueprints/projects/
record.py) under the project's page generation and the names generation, which database
triggers raise: a page seen again skips its history, documents, audits, certificates and
appeals, and every change
the half shows — whatever wrote it, the ORM or a bare UPDATE — reaches the next page."""

import uuid
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from app.extensions import db
from blueprints.projects.record import memo
from models import (
    Audit,
    AuditKind,
    Case,
    CaseKind,
    Certificate,
    CertificateStatus,
    Document,
    DocumentKind,
    Organisation,
    OrgKind,
    Project,
    ProjectEvent,
    ProjectStatus,
    User,
)
from tests import factories
from tests.conftest import Browser, csrf_from

PASSWORD = "Correct-Horse-Battery-9"
RECORD_READS = ("FROM documents", "FROM audits", "FROM project_events")


def _statements(app, browser: Browser, path: str) -> tuple[str, list[str]]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        response = browser.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 200
    return response.text, seen


def _reads_record(statements: list[str]) -> bool:
    # The enterprise's appeal panel reads its newest decision itself (with a LIMIT).
    whole = [statement for statement in statements if "LIMIT" not in statement]
    return any(read in statement for statement in whole for read in RECORD_READS)


@pytest.fixture
def seen(app_ctx):
    """A project in its stage-1 audit, its page opened once by the enterprise (and kept)."""
    parties = factories.Parties()
    project = factories.project(parties, ProjectStatus.STAGE1_PLANNED)
    db.session.commit()
    browser = Browser(app_ctx.test_client())
    browser.login(parties.enterprise.email, PASSWORD)
    path = f"/projects/{project.id}"
    browser.get(path)
    return parties, project, browser, path


def test_a_page_seen_again_skips_its_record_and_shows_the_same(app_ctx, seen):
    _parties, _project, browser, path = seen
    first, statements = _statements(app_ctx, browser, path)
    assert not _reads_record(statements), "\n\n".join(statements)
    assert len(memo()) == 2  # the record, and the appeals panel's cases
    memo().clear()
    again, statements = _statements(app_ctx, browser, path)
    assert _reads_record(statements)  # rendered afresh from the rows
    part = first.index('<ol class="list-group'), first.index('id="actions-title"')
    assert again[part[0] : part[1]] == first[part[0] : part[1]]
    assert "精密装备研发与生产" in again


def _upload(project: Project, parties) -> str:
    name = f"管理手册-{uuid.uuid4().hex[:6]}.pdf"
    db.session.add(
        Document(
            project_id=project.id,
            kind=DocumentKind.RECORD,
            original_name=name,
            stored_name=uuid.uuid4().hex,
            size=1,
            sha256="0" * 64,
            content_type="application/pdf",
            uploaded_by_id=parties.enterprise.id,
        )
    )
    return name


def _an_event(project: Project, parties) -> str:
    db.session.add(
        ProjectEvent(
            project_id=project.id,
            action="comment",
            from_status=project.status,
            to_status=project.status,
            actor_id=parties.lead.id,
            comment="现场审核日期调整为下周二",
        )
    )
    return "现场审核日期调整为下周二"


def _an_audit(project: Project, _parties) -> str:
    db.session.add(
        Audit(
            project_id=project.id,
            kind=AuditKind.STAGE2,
            starts_on=date(2031, 3, 4),
            ends_on=date(2031, 3, 6),
        )
    )
    return "2031"


def _a_bare_update_of_the_project(project: Project, _parties) -> str:
    db.session.execute(sa.update(Project).where(Project.id == project.id).values(scope="智能仓储"))
    return "智能仓储"


def _a_renamed_person(_project: Project, parties) -> str:
    db.session.execute(
        sa.update(User).where(User.id == parties.lead.id).values(name="改名后的评定员")
    )
    return "改名后的评定员"


def _a_renamed_organisation(_project: Project, parties) -> str:
    db.session.execute(
        sa.update(Organisation)
        .where(Organisation.id == parties.body_org.id)
        .values(name="改名后的评定机构")
    )
    return "改名后的评定机构"


@pytest.mark.parametrize(
    "change",
    [
        _upload,
        _an_event,
        _an_audit,
        _a_bare_update_of_the_project,
        _a_renamed_person,
        _a_renamed_organisation,
    ],
)
def test_every_change_the_record_shows_reaches_the_next_page(
    app_ctx, seen, change: Callable[..., str]
):
    parties, project, browser, path = seen
    _event_by_lead(project, parties)
    db.session.commit()
    before = browser.get(path).text
    shown = change(project, parties)
    db.session.commit()
    after = browser.get(path).text
    assert shown not in before and shown in after


def test_a_removed_document_leaves_the_next_page(app_ctx, seen):
    parties, project, browser, path = seen
    name = _upload(project, parties)
    db.session.commit()
    assert name in browser.get(path).text
    db.session.execute(sa.delete(Document).where(Document.original_name == name))
    db.session.commit()
    assert name not in browser.get(path).text


def _event_by_lead(project: Project, parties) -> None:
    """The lead evaluator in the history, so that renaming them or their body shows."""
    db.session.add(
        ProjectEvent(
            project_id=project.id,
            action="plan_stage1",
            from_status=ProjectStatus.ACCEPTED,
            to_status=ProjectStatus.STAGE1_PLANNED,
            actor_id=parties.lead.id,
        )
    )


def test_a_page_sent_back_with_errors_is_not_kept(app_ctx, seen):
    """A POST that fails renders the page in a transaction that rolls back: nothing it saw may
    be kept under numbers a later change would reach again."""
    _parties, _project, browser, path = seen
    memo().clear()
    page = browser.get(path)
    assert len(memo()) > 0
    memo().clear()
    response = browser.client.post(
        f"{path}/documents", data={"csrf_token": csrf_from(page.text), "kind": "record"}
    )
    assert response.status_code == 422
    assert len(memo()) == 0


def test_a_certificate_and_an_appeal_reach_the_next_page(app_ctx):
    """The certificate's status (a bare UPDATE, as the scheduler's suspensions write it) and
    the enterprise's appeal panel, both kept with the record, follow their rows."""
    parties = factories.Parties()
    certificate = factories.certificate(parties)
    db.session.commit()
    browser = Browser(app_ctx.test_client())
    browser.login(parties.enterprise.email, PASSWORD)
    path = f"/projects/{certificate.project_id}"
    suspended = str(CertificateStatus.SUSPENDED.title)
    assert certificate.number in browser.get(path).text
    assert suspended not in browser.get(path).text  # kept, and still right
    db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate.id)
        .values(status=CertificateStatus.SUSPENDED)
    )
    db.session.commit()
    assert suspended in browser.get(path).text
    decision = ProjectEvent(
        project_id=certificate.project_id,
        action="return_compliance",
        from_status=ProjectStatus.CONFIRMED,
        to_status=ProjectStatus.CORRECTION,
    )
    db.session.add(decision)
    db.session.commit()
    assert "AP-T-0001" not in browser.get(path).text  # kept again, after the decision
    db.session.add(
        Case(
            project_event_id=decision.id,
            reference="AP-T-0001",
            kind=CaseKind.APPEAL,
            project_id=certificate.project_id,
            enterprise_id=parties.enterprise_org.id,
            concerned_id=parties.body_org.id,
            name=parties.enterprise.name,
            email=parties.enterprise.email,
            grounds="理由",
            acknowledge_due_on=date(2031, 1, 10),
            decide_due_on=date(2031, 2, 10),
        )
    )
    db.session.commit()
    assert "AP-T-0001" in browser.get(path).text


def test_blank_form_fields_are_kept_under_what_they_show(app_ctx):
    """The fields of the page's blank forms are rendered once per what they show: a new value,
    a new choice or another language renders them again, and a form sent back (a POST, with
    its input and errors) is never kept."""
    from flask_babel import force_locale

    from blueprints.projects import forms
    from blueprints.projects.record import fields_memo, fields_of

    fields_memo().clear()
    rendered: list[str] = []

    def fields(form) -> Callable[[], object]:
        def render():
            rendered.append(form.sites.data)
            return Markup("<fields {}>").format(form.sites.data)

        return render

    def shown(sites: str) -> object:
        form = forms.ApplicationForm(None, formdata=None, sites=sites, scope="s")
        return fields_of(form, ("apply", False), fields(form))

    assert shown("上海") == shown("上海") == "<fields 上海>"
    assert rendered == ["上海"]  # the second page read it kept
    assert shown("北京") == "<fields 北京>"  # another value: rendered
    with force_locale("en"):
        shown("上海")  # another language: the labels differ
    assert rendered == ["上海", "北京", "上海"]
    factories.organisation(OrgKind.EVALUATION_BODY, name="新评定机构")
    shown("上海")  # a body more to choose from
    assert rendered == ["上海", "北京", "上海", "上海"]

    upload = forms.UploadForm([DocumentKind.MANUAL], formdata=None)
    fields_of(upload, "upload", lambda: Markup("<a>"))
    other_kinds = forms.UploadForm([DocumentKind.MANUAL, DocumentKind.PROCEDURE], formdata=None)
    assert fields_of(other_kinds, "upload", lambda: Markup("<b>")) == "<b>"  # another choice


def test_a_form_sent_back_renders_its_own_fields(app):
    from blueprints.projects import forms
    from blueprints.projects.record import fields_memo, fields_of

    with app.test_request_context(method="POST"):
        fields_memo().clear()
        form = forms.ApplicationForm(None, formdata=None, sites="上海", scope="s")
        fields_of(form, ("apply", False), lambda: Markup("<sent back>"))
        assert len(fields_memo()) == 0


def test_blank_form_fields_are_kept_whatever_the_csrf_token(app):
    """The CSRF token is signed afresh per request (and differs per session): it is written
    beside the kept fields, and must not make each request render them again."""
    from flask import g, session

    from blueprints.projects import forms
    from blueprints.projects.record import fields_memo, fields_of

    rendered: list[str] = []
    tokens: list[str] = []

    def render() -> Markup:
        rendered.append("x")
        return Markup("<f>")

    for _visit in range(2):
        with app.test_request_context():
            if _visit == 0:
                fields_memo().clear()
            session["csrf_token"] = f"another session's raw token {_visit}"
            g.pop("csrf_token", None)  # signed once per request (the tests share one g)
            form = forms.ApplicationForm(None, formdata=None, sites="上海", scope="s")
            tokens.append(form.csrf_token.current_token)
            fields_of(form, ("apply", False), render)
    assert tokens[0] != tokens[1]
    assert rendered == ["x"]


def test_blank_upload_fields_are_kept_per_kinds_and_language(app_ctx):
    from flask_babel import force_locale

    from blueprints.projects.record import blank_fields, fields_memo

    fields_memo().clear()
    rendered: list[object] = []

    def shown(kinds: tuple[DocumentKind, ...]) -> object:
        def render() -> Markup:
            rendered.append(kinds)
            return Markup("<f>")

        return blank_fields(("upload", kinds, 20), render)

    shown((DocumentKind.MANUAL,))
    shown((DocumentKind.MANUAL,))
    assert len(rendered) == 1
    shown((DocumentKind.MANUAL, DocumentKind.PROCEDURE))  # another choice
    with force_locale("en"):
        shown((DocumentKind.MANUAL,))  # another language
    assert len(rendered) == 3
