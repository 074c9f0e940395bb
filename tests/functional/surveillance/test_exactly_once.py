"""Two schedulers running at once send each reminder exactly once (real processes, real SMTP)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from aiosmtpd.controller import Controller

from app.clock import local_today
from app.extensions import db
from blueprints.certificates.services import issue_for
from models import ProjectStatus, ScheduleItem, ScheduleKind
from tests import factories
from tests.conftest import TEST_SECRET, Mailbox, free_port

ROOT = Path(__file__).resolve().parents[3]


def test_two_run_once_processes_send_each_reminder_once(committed_app, tmp_path):
    app = committed_app
    with app.app_context():
        emails = []
        for _ in range(3):
            parties = factories.Parties()
            certificate = issue_for(
                factories.project(parties, ProjectStatus.READY_TO_ISSUE), parties.enterprise
            )
            item = (
                db.session.query(ScheduleItem)
                .filter_by(certificate_id=certificate.id, kind=ScheduleKind.SURVEILLANCE_1)
                .one()
            )
            item.due_on = local_today() + timedelta(days=30)  # the T-30 reminder is due today
            emails += [parties.enterprise.email, parties.lead.email]
        db.session.commit()

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CERTPATH_ENV": "testing",
        "CERTPATH_MAIL_SERVER": "127.0.0.1",
        "CERTPATH_MAIL_PORT": str(port),
        "CERTPATH_UPLOAD_FOLDER": str(tmp_path),
    }
    try:
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "flask", "scheduler", "run-once"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120)[0] for p in processes]
    finally:
        controller.stop()
    assert all(p.returncode == 0 for p in processes), "\n".join(outputs)
    received = sorted(m["To"] for m in mailbox.messages)
    assert received == sorted(emails), outputs
    assert len({m["Message-ID"] for m in mailbox.messages}) == len(emails)
