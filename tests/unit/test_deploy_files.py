"""deploy/ stays in step with the settings: every one in the environment file, the proxy's
body limit the app's (the cluster test, make test-nodes, runs the files themselves)."""

from __future__ import annotations

import re
from pathlib import Path

from app.config import DEFAULTS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_environment_file_names_every_setting():
    text = (DEPLOY / "certpath.env.example").read_text(encoding="utf-8")
    settings = [k for k in DEFAULTS if k != "TEST_CLOCK_FILE"]  # testing only, refused else
    names = [k if k in {"DATABASE_URL", "SECRET_KEY"} else f"CERTPATH_{k}" for k in settings]
    assert [name for name in names if not re.search(rf"^#?{name}=", text, re.M)] == []


def test_nginx_takes_the_bodies_the_app_takes():
    site = (DEPLOY / "nginx" / "certpath.conf").read_text(encoding="utf-8")
    [megabytes] = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(megabytes) * 1024 * 1024 == DEFAULTS["MAX_CONTENT_LENGTH"]
