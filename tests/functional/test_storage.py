"""Uploads on both stores — the local folder and an S3-compatible bucket (moto's server on
loopback): a document goes up and comes back under its Chinese name to its parties only,
streamed in chunks; a refused file or a failed request leaves nothing in the store; and
``flask storage migrate`` copies a local folder into the bucket, checked, once."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import storage, uploads
from app.extensions import db
from blueprints.notices import services as notices
from models import Document, Notice, NoticeAttachment, OrgKind
from models import ProjectStatus as P
from tests import factories
from tests.conftest import use_s3
from tests.functional.projects.helpers import PDF, browser_for, upload

NAME = "两化融合管理手册（第一版）.pdf"


def keys(store) -> list[str]:
    return sorted(store.all_keys())


def test_a_document_goes_up_and_comes_back_under_its_chinese_name(app, app_ctx, store):
    parties = factories.Parties()
    project = factories.project(parties, P.DOCUMENTATION, self_consulting=True)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    assert upload(enterprise, project.id, "manual", NAME).status_code == 302

    document = db.session.scalars(
        sa.select(Document).where(Document.project_id == project.id)
    ).one()
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    key = uploads.key_of(document.stored_name)
    assert keys(store) == [key]
    assert storage.checksum(store, key) == (len(PDF), document.sha256)

    url = f"/projects/{project.id}/documents/{document.id}"
    response = enterprise.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Length"] == str(len(PDF))
    disposition = response.headers["Content-Disposition"]
    # The same header from either store, RFC 5987's filename* for the Chinese name.
    assert disposition == uploads.attachment(NAME)
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(NAME)}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    response.close()
    assert browser_for(app, factories.user()).get(url).status_code == 404


def test_refused_files_leave_nothing_in_the_store(app, app_ctx, store, monkeypatch):
    parties = factories.Parties()
    project = factories.project(parties, P.DOCUMENTATION, self_consulting=True)
    db.session.commit()
    enterprise = browser_for(app, parties.enterprise)
    disguised = upload(enterprise, project.id, "manual", "手册.pdf", b"MZ\x90\x00" + bytes(200))
    assert disguised.status_code == 422 and "不符" in disguised.get_data(as_text=True)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    oversized = upload(enterprise, project.id, "manual", "大文件.pdf", PDF + b"0" * 200_000)
    assert oversized.status_code == 422 and "大于" in oversized.get_data(as_text=True)
    assert keys(store) == []


@pytest.fixture
def city(app_ctx):
    authority = factories.organisation(OrgKind.AUTHORITY, region="310000")
    factories.organisation(region="310115")
    user = factories.user(authority)
    db.session.commit()
    return user


def send_notice(browser, files):
    data = {"title": "关于开展评估诊断工作的通知", "body": "请于9月30日前完成。"}
    data |= {"audience": "everyone", "files": files}
    return browser.submit("/notices/", data, content_type="multipart/form-data")


def test_a_refused_request_removes_the_files_it_stored(app, city, store):
    browser = browser_for(app, city)
    # The first attachment is stored before the second is found to be an executable.
    answer = send_notice(
        browser, [(io.BytesIO(PDF), "通知.pdf"), (io.BytesIO(b"MZ\x90\x00" + bytes(99)), "表.pdf")]
    )
    assert answer.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0
    assert keys(store) == []


def test_a_request_that_crashes_removes_the_files_it_stored(app, city, store, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr(notices, "announce", broken)  # after the attachment is stored
    browser = browser_for(app, city)
    with pytest.raises(RuntimeError, match="outbox"):
        send_notice(browser, [(io.BytesIO(PDF), "通知.pdf")])
    assert keys(store) == []


def test_a_large_file_goes_up_in_parts_and_comes_down_in_chunks(app, app_ctx, store, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
    data = PDF + bytes(range(256)) * (9 * 4096)  # 9 MB and a bit: a multipart upload to S3
    stored = uploads.store(FileStorage(io.BytesIO(data), filename="大报告.pdf"))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert storage.checksum(store, uploads.key_of(stored.stored_name))[1] == stored.sha256

    response = uploads.send(stored.stored_name, stored.original_name, stored.content_type)
    try:
        assert response.is_streamed or response.direct_passthrough
        digest, size, largest = hashlib.sha256(), 0, 0
        for chunk in response.response:
            digest.update(chunk)
            size += len(chunk)
            largest = max(largest, len(chunk))
        assert (size, digest.hexdigest()) == (len(data), stored.sha256)
        assert largest <= 64 * 1024  # never the whole file at once
    finally:
        response.close()
    uploads.remove(stored.stored_name)
    assert keys(store) == []


# --- flask storage migrate -------------------------------------------------------------------


def test_migrate_copies_the_local_folder_to_the_bucket_checked_and_once(
    app, city, tmp_path, monkeypatch, s3_endpoint
):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    parties = factories.Parties()
    project = factories.project(parties, P.DOCUMENTATION, self_consulting=True)
    db.session.commit()
    assert (
        upload(browser_for(app, parties.enterprise), project.id, "manual", NAME).status_code == 302
    )
    answer = send_notice(browser_for(app, city), [(io.BytesIO(PDF + b"%2"), "通知.pdf")])
    assert answer.status_code == 302
    # An attachment from before checksums were kept.
    db.session.execute(sa.update(NoticeAttachment).values(sha256=None))
    db.session.commit()
    (folder / "roster-imports").mkdir()
    (folder / "roster-imports" / "1-abc.json").write_text("{}")  # a working file: not copied
    local = storage.make(app)
    names = sorted(k for k in local.all_keys() if uploads.is_key(k))
    assert len(names) == 2

    use_s3(app, monkeypatch, s3_endpoint)
    bucket = storage.make(app)
    runner = app.test_cli_runner()

    def migrate():
        return runner.invoke(args=["storage", "migrate", "--from", str(folder)])

    first = migrate()
    assert first.exit_code == 0, first.output
    assert "copied 2, already there 0, failed 0" in first.output
    assert "checksums recorded for 1 older attachments" in first.output
    assert keys(bucket) == names
    for key in names:
        assert storage.checksum(bucket, key) == storage.checksum(local, key)
    attachment = db.session.scalars(sa.select(NoticeAttachment)).one()
    db.session.refresh(attachment)
    assert attachment.sha256 == hashlib.sha256(PDF + b"%2").hexdigest()

    again = migrate()
    assert again.exit_code == 0 and "copied 0, already there 2, failed 0" in again.output

    # An object that differs in the bucket is copied again; the rest are left alone.
    bucket.put(names[0], io.BytesIO(b"not what was uploaded"))
    repaired = migrate()
    assert "copied 1, already there 1, failed 0" in repaired.output
    assert storage.checksum(bucket, names[0]) == storage.checksum(local, names[0])

    verified = runner.invoke(args=["storage", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "2 files as recorded, 0 missing, 0 with another checksum" in verified.output

    # A local file that no longer matches its recorded checksum is reported, not copied.
    (folder / names[0]).write_bytes(PDF + b"%tampered")
    bucket.delete(names[0])
    broken = migrate()
    assert broken.exit_code == 1
    assert "not the one recorded" in broken.output and "failed 1" in broken.output
    assert not bucket.exists(names[0])
    missing = runner.invoke(args=["storage", "verify"])
    assert missing.exit_code == 1 and "1 missing" in missing.output


def test_migrate_refuses_to_copy_a_folder_onto_itself(app, app_ctx, store):
    if store.local_path("x") is None:
        pytest.skip("only the local folder can be its own source")
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code != 0 and "CERTPATH_STORAGE_URL" in result.output


def test_readiness_asks_the_store(app, store, monkeypatch):
    client = app.test_client()
    assert client.get("/readyz").json["checks"]["storage"] == "ok"
    if app.config["STORAGE_URL"].startswith("s3://"):
        # Nothing listens there: the store cannot be reached, the node is not ready.
        monkeypatch.setitem(app.config, "STORAGE_S3_ENDPOINT_URL", "http://127.0.0.1:9")
        response = client.get("/readyz")
        assert response.status_code == 503 and response.json["checks"]["storage"] == "error"
