"""Acting on projects through the web interface, as each party would."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa

from app.extensions import db
from models import Project
from tests import factories
from tests.conftest import Browser

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def browser_for(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.email, factories.PASSWORD).status_code == 302
    return browser


def act(browser: Browser, project_id: int, name: str, data: dict | None = None):
    return browser.submit(
        f"/projects/{project_id}", data or {}, action=f"/projects/{project_id}/actions/{name}"
    )


def upload(
    browser: Browser,
    project_id: int,
    kind: str,
    name: str = "文件.pdf",
    content: bytes = PDF,
    step: str = "",
):
    token = browser.token(f"/projects/{project_id}")
    return browser.client.post(
        f"/projects/{project_id}/documents",
        data={
            "csrf_token": token,
            "kind": kind,
            "consulting_step": step,
            "file": (BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def reload(project_id: int) -> Project:
    db.session.expire_all()
    return db.session.scalar(sa.select(Project).where(Project.id == project_id))
