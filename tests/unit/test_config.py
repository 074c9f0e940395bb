import pytest

from app import create_app
from app.config import DEFAULT_SECRET_KEY, ConfigError, build, normalise_database_url


def test_production_refuses_the_default_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build(str(tmp_path), environ={"CERTPATH_ENV": "production"})
    with pytest.raises(ConfigError):
        build(str(tmp_path), {"ENV": "production", "SECRET_KEY": DEFAULT_SECRET_KEY}, environ={})
    with pytest.raises(ConfigError, match="32"):
        build(str(tmp_path), {"ENV": "production", "SECRET_KEY": "short"}, environ={})


def test_production_profile_sets_secure_cookies(tmp_path):
    config = build(str(tmp_path), {"ENV": "production", "SECRET_KEY": "k" * 40}, environ={})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_variables_are_typed_by_their_default(tmp_path):
    config = build(
        str(tmp_path),
        environ={
            "CERTPATH_OPERATION_MIN_MONTHS": "4",
            "CERTPATH_MAIL_USE_TLS": "yes",
            "CERTPATH_SURVEILLANCE_REMINDER_DAYS": "60,14,1",
            "DATABASE_URL": "postgres://u@h/db",
        },
    )
    assert config["OPERATION_MIN_MONTHS"] == 4
    assert config["MAIL_USE_TLS"] is True
    assert config["SURVEILLANCE_REMINDER_DAYS"] == [60, 14, 1]
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    with pytest.raises(ConfigError, match="CERTPATH_OPERATION_MIN_MONTHS"):
        build(str(tmp_path), environ={"CERTPATH_OPERATION_MIN_MONTHS": "three"})


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="ENV"):
        build(str(tmp_path), environ={"CERTPATH_ENV": "staging"})


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    config = build(str(tmp_path), environ={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/certpath.sqlite3"


def test_database_url_normalisation():
    assert normalise_database_url("postgresql://x/y") == "postgresql+psycopg://x/y"
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"


def test_create_app_accepts_a_mapping(tmp_path):
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "s" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
            "ITEMS_PER_PAGE": 7,
        }
    )
    assert app.config["ITEMS_PER_PAGE"] == 7
    assert app.testing


def test_mapping_settings_override_named_entries(tmp_path):
    config = build(str(tmp_path), environ={"CERTPATH_STEP_EXPECTED_DAYS": "kickoff=10, trial=60"})
    assert config["STEP_EXPECTED_DAYS"]["kickoff"] == 10
    assert config["STEP_EXPECTED_DAYS"]["trial"] == 60
    assert config["STEP_EXPECTED_DAYS"]["survey"] == 30
    with pytest.raises(ConfigError, match="STEP_EXPECTED_DAYS"):
        build(str(tmp_path), environ={"CERTPATH_STEP_EXPECTED_DAYS": "nonsense=3"})


@pytest.mark.parametrize("profile", ["development", "production"])
def test_the_test_clock_is_refused_outside_testing(tmp_path, profile):
    environ = {"CERTPATH_ENV": profile, "CERTPATH_TEST_CLOCK_FILE": str(tmp_path / "clock")}
    environ["SECRET_KEY"] = "k" * 40
    with pytest.raises(ConfigError, match="TEST_CLOCK_FILE"):
        build(str(tmp_path), environ=environ)


def test_the_test_clock_moves_a_testing_app_only_by_its_file(tmp_path):
    from datetime import timedelta

    from app.clock import local_today

    clock = tmp_path / "clock"
    app = create_app(
        {"ENV": "testing", "TEST_CLOCK_FILE": str(clock), "TIMEZONE": "UTC"},
    )
    with app.app_context():
        today = local_today()
        clock.write_text("95\n", encoding="ascii")
        assert local_today() == today + timedelta(days=95)
        clock.write_text("", encoding="ascii")
        assert local_today() == today


@pytest.mark.parametrize(
    ("url", "kind", "bucket", "path"),
    [
        ("", "file", "", ""),
        ("file:///srv/certpath/uploads", "file", "", "/srv/certpath/uploads"),
        ("s3://certpath-uploads", "s3", "certpath-uploads", ""),
        ("s3://certpath-uploads/prod/files/", "s3", "certpath-uploads", "prod/files"),
    ],
)
def test_storage_url_names_a_folder_or_a_bucket(tmp_path, url, kind, bucket, path):
    from app.storage import location

    config = build(str(tmp_path), environ={"CERTPATH_STORAGE_URL": url})
    assert location(config["STORAGE_URL"]) == location(url)
    found = location(url)
    assert (found.kind, found.bucket, found.path) == (kind, bucket, path)


@pytest.mark.parametrize(
    "url",
    [
        "s3://key:secret@bucket/prefix",  # credentials belong to boto3's environment
        "s3:///prefix",
        "file://relative/folder",
        "ftp://example.com/uploads",
        "/srv/uploads",
    ],
)
def test_an_unusable_storage_url_stops_the_start(tmp_path, url):
    with pytest.raises(ConfigError, match="STORAGE_URL") as refused:
        build(str(tmp_path), environ={"CERTPATH_STORAGE_URL": url})
    assert "secret" not in str(refused.value)
    with pytest.raises(ConfigError, match="ADDRESSING_STYLE"):
        build(str(tmp_path), environ={"CERTPATH_STORAGE_S3_ADDRESSING_STYLE": "sideways"})
