"""Settings: defaults here, overridden by environment variables, overridden by a test mapping.

Every variable carries the ``CERTPATH_`` prefix except the two every platform knows,
``DATABASE_URL`` and ``SECRET_KEY``. Values are parsed by the type of their default, so a
setting declared as an int can only ever be an int.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app import storage
from app.database import engine_options

ENV_PREFIX = "CERTPATH_"
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    """Raised when the configuration is unusable (e.g. production with the default secret)."""


DEFAULTS: dict[str, Any] = {
    # --- runtime profile: development | testing | production
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "DATABASE_URL": "",  # empty: SQLite file in the instance folder
    "BASE_URL": "http://127.0.0.1:5000",  # absolute links in emails
    "ITEMS_PER_PAGE": 25,
    # --- waiting on PostgreSQL (SQLite is a local file: it keeps its busy timeout). 0 turns
    # a bound off, e.g. the statement timeout for a migration that rewrites a large table.
    "DATABASE_CONNECT_TIMEOUT_SECONDS": 3,  # whole seconds, at least 2 (libpq's rule)
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": 30,  # the server cancels longer statements
    # Silence tolerated from the server: TCP user timeout and keepalives, and how long past the
    # statement timeout the app waits for an answer before it cuts the connection itself.
    "DATABASE_NETWORK_TIMEOUT_SECONDS": 10,
    # PostgreSQL's JIT compiles any statement estimated above jit_above_cost: the grouped
    # statements of the boards and progress pages then spend 40-70 ms compiling (p95 of the
    # programme board 178 ms with it, 107 ms without, at national scale) to save less.
    "DATABASE_JIT": False,
    "HEALTH_TIMEOUT_SECONDS": 1.5,  # /healthz answers 503 when the database is slower than this
    # --- accounts and security
    "PASSWORD_MIN_LENGTH": 10,
    "PASSWORD_MIN_STRENGTH": 2,  # zxcvbn score 0-4
    "VERIFY_TOKEN_MAX_AGE_HOURS": 48,
    "RESET_TOKEN_MAX_AGE_HOURS": 2,
    "INVITE_TOKEN_MAX_AGE_HOURS": 168,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "SESSION_LIFETIME_HOURS": 12,
    # Account recovery by an authority: how long a one-time password it sets may be used to
    # sign in (then only to choose a new one), and how many recoveries (reset links sent and
    # one-time passwords set) one authority may make per hour.
    "ONE_TIME_PASSWORD_HOURS": 72,
    "ACCOUNT_RECOVERIES_PER_HOUR": 10,
    # Strict-Transport-Security on HTTPS responses in production; 0 leaves the header out.
    "HSTS_MAX_AGE_SECONDS": 365 * 24 * 3600,
    "TRUSTED_PROXIES": 0,  # number of reverse proxies in front (X-Forwarded-For hops)
    # --- mail outbox
    "MAIL_SERVER": "",  # empty: nothing is sent, messages stay in the outbox for admins to read
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_TIMEOUT_SECONDS": 10,  # per SMTP socket operation: connecting, and every reply
    # A run drains the queue until this is spent (checked before each message); under the
    # scheduler's one-minute tick, so that a run ends before the next one is due.
    "MAIL_DISPATCH_BUDGET_SECONDS": 50,
    "MAIL_SENDER": "Certpath <no-reply@certpath.localhost>",
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_RETRY_BASE_SECONDS": 60,
    # Rows claimed (one UPDATE) and sent over one connection, outcomes committed, per batch.
    "MAIL_DISPATCH_BATCH": 200,
    "MAIL_STALE_CLAIM_MINUTES": 15,
    # --- operations
    # This node's name (e.g. "web-1"), sent as X-Certpath-Node on every response and kept in
    # the scheduler's heartbeat rows: which of several nodes answered or ran the jobs. Empty:
    # no header.
    "NODE_ID": "",
    "LOG_FORMAT": "text",  # or "json": one object per line, for a log collector
    "LOG_LEVEL": "INFO",
    # /metrics answers these addresses (Prometheus scraping the node directly, not through the
    # public proxy) or a request with "Authorization: Bearer <METRICS_TOKEN>".
    "METRICS_ALLOWED_NETWORKS": "127.0.0.1/32,::1/128",
    "METRICS_TOKEN": "",
    # --- documents
    "CJK_FONT_PATH": "",  # empty: Debian's fonts-wqy-zenhei, installed by the Makefile
    # A PNG or JPEG of the issuer's seal stamped on issued certificates' PDFs (a transparent
    # PNG reads best); empty: no seal.
    "CERTIFICATE_SEAL_IMAGE": "",
    # --- uploads (the request limit leaves room for the form around the file)
    "UPLOAD_FOLDER": "",  # empty: instance/uploads
    # Where uploads are kept (app/storage): empty for UPLOAD_FOLDER, file:///folder, or
    # s3://bucket/prefix for an S3-compatible store shared by several nodes. Its credentials
    # are boto3's own (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never a setting here.
    "STORAGE_URL": "",
    "STORAGE_S3_ENDPOINT_URL": "",  # empty: AWS itself; e.g. http://minio.internal:9000
    "STORAGE_S3_REGION": "",  # empty: boto3's default (AWS_DEFAULT_REGION)
    "STORAGE_S3_ADDRESSING_STYLE": "auto",  # path for most MinIO and Ceph set-ups
    "UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
    # --- a list's Excel: up to this many rows in the request, beyond it prepared by the
    # scheduler in the background (app.list_exports), the file kept this many hours (in the
    # upload folder's exports/)
    "EXPORT_INLINE_ROWS": 5000,
    "EXPORT_RETENTION_HOURS": 24,
    "EXPORT_RUN_BUDGET_SECONDS": 50,  # a run starts no new export once this is spent
    "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,
    # --- the rules of DOMAIN.md marked configurable
    "OPERATION_MIN_MONTHS": 3,
    "CORRECTIVE_ACTION_DAYS": 30,
    "MAJOR_NC_MAX_MONTHS": 6,
    # An impartiality declaration covers the calendar year it is signed for (0), or this many
    # months from the day it is signed.
    "DECLARATION_VALID_MONTHS": 0,
    # What an audit team as a whole must hold approved competence in: the enterprise's
    # GB/T 4754 "division" (大类) or, more leniently, its "section" (门类).
    "TEAM_COVERAGE_LEVEL": "division",
    "PUBLICITY_WORKING_DAYS": 5,
    # A provider admitted to a diagnosis programme's pool is published for these working days
    # (seed 004 二), on the same calendar as the certificates' publicity.
    "PROVIDER_PUBLICITY_WORKING_DAYS": 5,
    # The subsidy of a reform project (seed 004 三(二)7): "给予一定比例的改造专项资金补贴" — the
    # seed names no figure, nor does DOMAIN.md. The share of the audited eligible cost (a
    # decimal in (0, 1]) and the cap in yuan are our defaults, set by each programme's
    # 专项资金使用管理办法: 30 %, at most 500,000 yuan.
    "REFORM_SUBSIDY_SHARE": 0.3,
    "REFORM_SUBSIDY_CAP": 500_000,
    "OBJECTIONS_PER_ADDRESS_PER_DAY": 3,
    # Complaints and appeals (ISO/IEC 17021-1 §9.7, §9.8): a decision may be appealed within
    # this many days; a case is acknowledged, and decided, within these many working days of
    # its receipt (China's calendar, app.workdays), else escalated to the alliance; the public
    # complaint form takes at most this many complaints a day from one address.
    "APPEAL_PERIOD_DAYS": 30,
    "CASE_ACKNOWLEDGE_WORKING_DAYS": 5,
    "CASE_DECISION_WORKING_DAYS": 30,
    "COMPLAINTS_PER_ADDRESS_PER_DAY": 3,
    # Public pages against scraping; "redis://127.0.0.1:6379" shares counts between workers.
    "PUBLIC_RATE_LIMIT": "60 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "certpath",  # several apps (or test runs) may share one Redis
    # The names of the IETF RateLimit header fields, told on the API's answers and on every
    # refusal with Retry-After (app/rate_limit_fields.py).
    "RATELIMIT_HEADER_LIMIT": "RateLimit-Limit",
    "RATELIMIT_HEADER_REMAINING": "RateLimit-Remaining",
    "RATELIMIT_HEADER_RESET": "RateLimit-Reset",
    # The API (/api/v1): calls per key, and per address for the public certificate lookup.
    "API_KEY_RATE_LIMIT": "600 per minute",
    "API_PUBLIC_RATE_LIMIT": "60 per minute",
    # An organisation's administrators are reminded this many days before a key expires.
    "API_KEY_EXPIRY_REMINDER_DAYS": [14, 3],
    # --- webhooks: an organisation's URLs that hear of events (blueprints/webhooks)
    "WEBHOOK_ENDPOINTS_PER_ORGANISATION": 10,
    "WEBHOOK_TIMEOUT_SECONDS": 5.0,  # connecting and every read of one delivery
    # Minutes to wait after each failed attempt; past the last, the delivery is dead.
    "WEBHOOK_RETRY_MINUTES": [1, 5, 30, 120, 360, 720, 1440],
    "WEBHOOK_DISPATCH_BUDGET_SECONDS": 50,  # a run sends until this is spent
    "WEBHOOK_DISPATCH_BATCH": 50,  # rows claimed at a time
    # Plain http:// URLs, and hosts that resolve to private, loopback or link-local addresses:
    # refused in production (on in development and testing, for a receiver on this machine).
    "WEBHOOK_ALLOW_HTTP": False,
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": False,
    # How long a process keeps its copy of the region names before reading them again, and
    # how long browsers and proxies may keep the public certificate and publicity pages.
    "REFERENCE_CACHE_SECONDS": 3600,
    "PUBLIC_PAGE_MAX_AGE": 60,
    # How long each process keeps the front page's headline figures (0: counted every visit).
    "PORTAL_FIGURES_CACHE_SECONDS": 300,
    # --- the portal's footer: who runs this installation and how to reach them; the ICP
    # filing number (ICP备案号, e.g. "京ICP备12345678号-1") is shown only when set.
    "OPERATOR_NAME": "Certpath",
    "OPERATOR_EMAIL": "support@certpath.localhost",
    "OPERATOR_PHONE": "",
    "ICP_LICENCE": "",
    # Rendered anonymous certificate pages each process keeps (~3 KB each; 0: none).
    "PUBLIC_PAGE_MEMO_SIZE": 2000,
    # Rendered anonymous register search pages each process keeps (~15 KB each; 0: none).
    "REGISTER_PAGE_MEMO_SIZE": 300,
    # Rendered read-only halves of project pages each process keeps (~12 KB each; 0: none).
    "PROJECT_PAGE_MEMO_SIZE": 1000,
    # Expected days per step of the path (DOMAIN.md §3: consulting 6–8 months, evaluation
    # about 2 months); the timeline flags a step that runs longer.
    "STEP_EXPECTED_DAYS": {
        "kickoff": 14,
        "survey": 30,
        "analysis": 30,
        "documentation": 45,
        "internal_audit": 30,
        "trial": 90,
        "applied": 7,
        "accepted": 7,
        "stage1_planned": 14,
        "stage1_done": 14,
        "stage2_planned": 14,
        "correction": 30,
        "concluded": 7,
    },
    "SURVEILLANCE_MONTHS": [12, 24],
    "SUSPENSION_MAX_MONTHS": 6,
    "SURVEILLANCE_REMINDER_DAYS": [90, 30, 7],
    # An enterprise of a campaign's roster that has not taken part is reminded at most this often.
    "CAMPAIGN_REMINDER_INTERVAL_DAYS": 7,
    # The statistics of the country and of each province are read from a snapshot the scheduler
    # refreshes every STATISTICS_REFRESH_MINUTES; one older than this is not trusted (the page
    # computes its figures itself, as for every narrower scope).
    "STATISTICS_SNAPSHOT_MAX_AGE_MINUTES": 120,
    "EXPIRY_REMINDER_DAYS": [180, 90, 30],
    # Days before an evaluator's approved registration expires that the person and their
    # evaluation body are reminded (in the app and by email).
    "EVALUATOR_REGISTRATION_REMINDER_DAYS": [90, 30],
    "TIMEZONE": "Asia/Shanghai",
    # --- the scheduler process
    "SCHEDULER_POLL_SECONDS": 15,  # how often a standby tries to become the leader
    "SCHEDULER_LOCK_FILE": "",  # SQLite only; empty: instance/scheduler.lock
    "SCHEDULER_MAX_INTERVAL": 3600,  # no job waits longer than this between runs
    "SCHEDULER_STALE_MINUTES": 120,  # the admin page warns when the heartbeat is older
    # --- testing only: a file holding a number of days added to the app's clock, so that the
    # browser suite can move a running server past a waiting period. Refused outside testing.
    "TEST_CLOCK_FILE": "",
}

PROFILES: dict[str, dict[str, Any]] = {
    "development": {"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True},
    "testing": {
        "WEBHOOK_ALLOW_HTTP": True,
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True,
        "PASSWORD_MIN_STRENGTH": 2,
        "PUBLIC_RATE_LIMIT": "10000 per minute",
        "API_KEY_RATE_LIMIT": "10000 per minute",
        "API_PUBLIC_RATE_LIMIT": "10000 per minute",
    },
    "production": {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True},
}


def _parse(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{name}: expected a boolean, got {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{name}: expected an integer, got {raw!r}") from exc
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigError(f"{name}: expected a number, got {raw!r}") from exc
    if isinstance(default, dict):
        # "kickoff=10,trial=60": overrides only the named entries
        merged = dict(default)
        try:
            for part in filter(None, (p.strip() for p in raw.split(","))):
                key, _, value = part.partition("=")
                if key.strip() not in default:
                    raise ValueError(key)
                merged[key.strip()] = int(value)
        except ValueError as exc:
            raise ConfigError(
                f"{name}: expected key=integer pairs of known keys, got {raw!r}"
            ) from exc
        return merged
    if isinstance(default, list):
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise ConfigError(f"{name}: expected comma-separated integers, got {raw!r}") from exc
    return raw


def _check_subsidy(config: dict[str, Any]) -> None:
    """The reform subsidy's share and cap, kept as Decimals (money is not a float)."""
    try:
        share = Decimal(str(config["REFORM_SUBSIDY_SHARE"]))
        cap = Decimal(str(config["REFORM_SUBSIDY_CAP"]))
    except InvalidOperation:
        share = cap = Decimal(-1)
    if not (share.is_finite() and Decimal(0) < share <= 1 and share == round(share, 4)):
        raise ConfigError(
            f"{ENV_PREFIX}REFORM_SUBSIDY_SHARE must be a decimal above 0 and at most 1 "
            f"(4 places at most), got {config['REFORM_SUBSIDY_SHARE']!r}"
        )
    if not (cap.is_finite() and Decimal(1) <= cap <= Decimal(100_000_000) and cap == round(cap, 2)):
        raise ConfigError(
            f"{ENV_PREFIX}REFORM_SUBSIDY_CAP must be an amount in yuan from 1 to 100000000, "
            f"got {config['REFORM_SUBSIDY_CAP']!r}"
        )
    config["REFORM_SUBSIDY_SHARE"] = share
    config["REFORM_SUBSIDY_CAP"] = cap


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        env_name = key if key in {"DATABASE_URL", "SECRET_KEY"} else ENV_PREFIX + key
        if env_name in environ:
            values[key] = _parse(env_name, environ[env_name], default)
    return values


def sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "certpath.sqlite3")


def build(
    instance_path: str,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Merge defaults, the profile, the environment and explicit overrides, then check them."""
    env_values = from_environment(os.environ if environ is None else environ)
    overrides = dict(overrides or {})
    profile = overrides.get("ENV") or env_values.get("ENV") or DEFAULTS["ENV"]
    if profile not in PROFILES:
        raise ConfigError(f"{ENV_PREFIX}ENV must be one of {sorted(PROFILES)}, got {profile!r}")

    config: dict[str, Any] = dict(DEFAULTS)
    config.update(PROFILES[profile])
    config.update(env_values)
    config.update(overrides)
    config["ENV"] = profile

    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        config["DATABASE_URL"] or sqlite_url(instance_path)
    )
    # Here rather than in the factory: the engine's timeouts are settings too.
    config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(config["SQLALCHEMY_DATABASE_URI"], config)
    )
    config.setdefault("SESSION_COOKIE_SECURE", False)
    config.setdefault("REMEMBER_COOKIE_SECURE", False)
    config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead: long forms must not expire
        # The session row's expiry is fixed at sign-in (app/security/sessions.py): a cookie
        # signed again on every response would slide for nothing, at the cost of an HMAC.
        SESSION_REFRESH_EACH_REQUEST=False,
        TESTING=profile == "testing",
    )
    if config["TEST_CLOCK_FILE"] and profile != "testing":
        raise ConfigError(
            f"{ENV_PREFIX}TEST_CLOCK_FILE is honoured only with {ENV_PREFIX}ENV=testing"
        )
    if config["TEAM_COVERAGE_LEVEL"] not in ("division", "section"):
        raise ConfigError(
            f"{ENV_PREFIX}TEAM_COVERAGE_LEVEL must be division or section, "
            f"got {config['TEAM_COVERAGE_LEVEL']!r}"
        )
    if not 1 <= config["PROVIDER_PUBLICITY_WORKING_DAYS"] <= 60:
        raise ConfigError(
            f"{ENV_PREFIX}PROVIDER_PUBLICITY_WORKING_DAYS must be from 1 to 60, "
            f"got {config['PROVIDER_PUBLICITY_WORKING_DAYS']!r}"
        )
    _check_subsidy(config)
    if config["LOG_FORMAT"] not in ("text", "json"):
        raise ConfigError(
            f"{ENV_PREFIX}LOG_FORMAT must be text or json, got {config['LOG_FORMAT']!r}"
        )
    _check_networks(config["METRICS_ALLOWED_NETWORKS"])
    try:
        storage.check(config)
    except ValueError as error:
        raise ConfigError(f"{ENV_PREFIX}{error}") from None
    seal = config["CERTIFICATE_SEAL_IMAGE"]
    if seal and not _is_image(seal):
        raise ConfigError(f"{ENV_PREFIX}CERTIFICATE_SEAL_IMAGE: {seal!r} is not a PNG or JPEG file")
    if profile == "production" and config["SECRET_KEY"] in {DEFAULT_SECRET_KEY, ""}:
        raise ConfigError("SECRET_KEY must be set to a long random value in production")
    if profile == "production" and len(config["SECRET_KEY"]) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters in production")
    return config


def _check_networks(value: str) -> None:
    for part in value.split(","):
        try:
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
        except ValueError as exc:
            raise ConfigError(
                f"{ENV_PREFIX}METRICS_ALLOWED_NETWORKS: {part.strip()!r} is no address or network"
            ) from exc


def _is_image(path: str) -> bool:
    """A readable PNG or JPEG, by its first bytes: caught at start-up, not at the first PDF."""
    try:
        with open(path, "rb") as image:
            head = image.read(8)
    except OSError:
        return False
    return head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))


def normalise_database_url(url: str) -> str:
    """Route PostgreSQL URLs to psycopg 3 whatever spelling the platform hands us."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
