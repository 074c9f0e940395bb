from tests.conftest import make_test_app


def test_healthz_is_liveness_only(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_ok_and_names_the_late_scheduler(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "rate_limits": "local", "storage": "ok"}
    # No scheduler ran in a fresh test database: every job is late, the node still serves.
    assert response.json["status"] == "degraded" and response.json["scheduler"]["late_jobs"]


def test_readyz_reports_a_dead_database(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite3")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "error" and response.json["checks"]["database"] == "error"


def test_readyz_reports_storage_it_cannot_write(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")  # a mount gone, a path mistyped
    app = make_test_app(
        f"sqlite:///{tmp_path}/db.sqlite3", UPLOAD_FOLDER=str(tmp_path / "a-file" / "uploads")
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["storage"] == "error"


def test_error_pages_in_both_languages(client):
    zh = client.get("/no-such-page")
    assert zh.status_code == 404
    assert "页面不存在" in zh.get_data(as_text=True)
    en = client.get("/no-such-page?lang=en")
    assert "Page not found" in en.get_data(as_text=True)


def test_json_errors_for_json_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_500_page_is_translated(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/x.sqlite3")

    @app.get("/_boom_for_test")
    def boom():
        raise RuntimeError("boom")

    app.testing = False  # let the error handler answer instead of propagating
    response = app.test_client().get("/_boom_for_test?lang=en")
    assert response.status_code == 500
    assert "Server error" in response.get_data(as_text=True)
