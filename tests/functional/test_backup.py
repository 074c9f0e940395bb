"""The backup recipe as an operator runs it (deploy/backup.sh, deploy/restore_check.sh): the
database dumped and the bucket copied, both restored into a scratch database and a scratch
bucket, every row's file found there with its sha256 — and a lost file said out loud."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import storage, uploads
from app.extensions import db
from models import Document
from models import ProjectStatus as P
from tests import factories
from tests.conftest import S3_BUCKET, S3_REGION, use_s3
from tests.functional.projects.helpers import PDF, browser_for, upload

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture
def scratch_database(database_url):
    """An empty PostgreSQL database to restore into, dropped afterwards."""
    name = f"certpath_restore_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield database_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def run(script: str, *args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHON": sys.executable, "CERTPATH_ENV": "testing", **environment}
    return subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(DEPLOY / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_a_backup_restores_whole_into_a_scratch_database_and_bucket(
    request, database_url, committed_app, s3_endpoint, tmp_path, monkeypatch
):
    if not database_url.startswith("postgresql"):
        pytest.skip("the backup dumps PostgreSQL (pg_dump)")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    app = committed_app
    use_s3(app, monkeypatch, s3_endpoint)
    with app.test_request_context():
        parties = factories.Parties()
        project = factories.project(parties, P.DOCUMENTATION, self_consulting=True)
        db.session.commit()
        enterprise = browser_for(app, parties.enterprise)
        for name in ("两化融合管理手册.pdf", "程序文件.pdf"):
            content = PDF + name.encode()
            assert upload(enterprise, project.id, "manual", name, content).status_code == 302
        keys = sorted(
            uploads.key_of(d.stored_name) for d in db.session.scalars(sa.select(Document))
        )
    assert len(keys) == 2
    s3 = {"CERTPATH_STORAGE_S3_ENDPOINT_URL": s3_endpoint, "CERTPATH_STORAGE_S3_REGION": S3_REGION}

    backup = tmp_path / "backup"
    made = run(
        "backup.sh",
        str(backup),
        DATABASE_URL=app.config["DATABASE_URL"],
        CERTPATH_STORAGE_URL=app.config["STORAGE_URL"],
        **s3,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "copied 2, already there 0, failed 0" in made.stdout
    assert (backup / "database.dump").stat().st_size > 0

    scratch = request.getfixturevalue("scratch_database")
    restored_url = f"s3://{S3_BUCKET}/restore-{uuid.uuid4().hex}"
    checked = run("restore_check.sh", str(backup), scratch, restored_url, **s3)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 files as recorded, 0 missing, 0 with another checksum" in checked.stdout
    restored = storage.make(app, restored_url)
    assert sorted(restored.all_keys()) == keys

    # A file lost from the restored bucket fails the check, by name.
    restored.delete(keys[0])
    verify = subprocess.run(
        [sys.executable, "-m", "flask", "storage", "verify"],
        env={
            **os.environ,
            "FLASK_APP": "wsgi",
            "CERTPATH_ENV": "testing",
            "DATABASE_URL": scratch,
            "CERTPATH_STORAGE_URL": restored_url,
            **s3,
        },
        cwd=DEPLOY.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 1
    assert f"MISSING {keys[0].rpartition('/')[2]}" in verify.stderr
