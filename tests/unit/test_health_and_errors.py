from tests.conftest import make_test_app


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"


def test_healthz_reports_a_dead_database(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {**response.json, "status": "error", "database": "error"}


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
