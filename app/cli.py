"""Core command-line groups (``flask scheduler``, ``flask outbox``, ``flask storage``) and
their registration.

The feature groups (``flask users``, ``flask reference``, ``flask demo``) live with their
features; the factory passes them to ``register``, so this module imports no feature.
"""

from __future__ import annotations

from collections.abc import Iterable

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import storage, uploads
from app.extensions import db
from app.mail.dispatcher import dispatch_due
from app.scheduler.runner import run_forever, run_once
from app.storage import copying

outbox_cli = AppGroup("outbox", help="The mail outbox.")
scheduler_cli = AppGroup("scheduler", help="Background jobs: outbox, deadlines, expiry.")
storage_cli = AppGroup("storage", help="Where uploaded files are kept (CERTPATH_STORAGE_URL).")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the jobs for ever; a second copy waits as a standby and takes over."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_forever(app, app.config["SCHEDULER_POLL_SECONDS"])


@scheduler_cli.command("run-once")
def scheduler_run_once():
    """Run every job once (for cron users and tests); exit status 1 if one failed."""
    results = run_once(current_app)
    for name, ok in results.items():
        click.echo(f"{name}: {'ok' if ok else 'FAILED'}")
    if not all(results.values()):
        raise SystemExit(1)


@outbox_cli.command("dispatch")
def dispatch():
    """Send the messages that are due (what the scheduler does every minute)."""
    result = dispatch_due()
    if result.skipped:
        click.echo("no SMTP server configured (CERTPATH_MAIL_SERVER): nothing sent")
    else:
        click.echo(f"sent {result.sent}, retry later {result.retried}, dead {result.dead}")


@storage_cli.command("migrate")
@click.option(
    "--from",
    "source_folder",
    default="",
    help="The local upload folder to copy (default: CERTPATH_UPLOAD_FOLDER or instance/uploads).",
)
def storage_migrate(source_folder: str):
    """Copy the local upload folder to the configured store, checking each copy; run again,
    it copies only what is missing or differs. Exit status 1 if a file could not be copied."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    source = storage.local_folder(app, source_folder or app.config["UPLOAD_FOLDER"])
    target = storage.current()
    if target.describe() == source.describe():
        raise click.ClickException(
            f"the configured store is {target.describe()} itself: "
            "set CERTPATH_STORAGE_URL to the store to copy to"
        )
    keys = sorted(key for key in source.all_keys() if uploads.is_key(key))
    click.echo(f"copying {len(keys)} files from {source.describe()} to {target.describe()}")
    sums = copying.recorded()
    result = copying.copy_all(
        source, target, keys, expected=lambda key: sums.get(key.rpartition("/")[2])
    )
    filled = copying.record_missing_checksums(
        {key.rpartition("/")[2]: sha for key, sha in result.checksums.items()}
    )
    db.session.commit()
    for problem in result.failed:
        click.echo(f"FAILED {problem}", err=True)
    click.echo(
        f"copied {result.copied}, already there {result.present}, failed {len(result.failed)}"
        f"; checksums recorded for {filled} older attachments"
    )
    if result.failed:
        raise SystemExit(1)


@storage_cli.command("copy")
@click.argument("source_url")
@click.argument("target_url")
def storage_copy(source_url: str, target_url: str):
    """Copy every upload from one store to another (file:///folder or s3://bucket/prefix,
    with the S3 settings of the environment), each copy read back and checked: a backup of
    the store, or its restore. Run again, it copies only what is missing or differs."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        source, target = storage.make(app, source_url), storage.make(app, target_url)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    if source.describe() == target.describe():
        raise click.BadParameter("the source and the target are the same store")
    keys = sorted(key for key in source.all_keys() if uploads.is_key(key))
    click.echo(f"copying {len(keys)} files from {source.describe()} to {target.describe()}")
    result = copying.copy_all(source, target, keys)
    for problem in result.failed:
        click.echo(f"FAILED {problem}", err=True)
    click.echo(
        f"copied {result.copied}, already there {result.present}, failed {len(result.failed)}"
    )
    if result.failed:
        raise SystemExit(1)


@storage_cli.command("verify")
def storage_verify():
    """Check that every file the database knows is in the configured store with its recorded
    sha256 (read back whole). Exit status 1 if one is missing or differs."""
    store = storage.current()
    result = copying.verify(store, copying.recorded(), uploads.key_of)
    for name in result.missing:
        click.echo(f"MISSING {name}", err=True)
    for name in result.wrong:
        click.echo(f"WRONG CHECKSUM {name}", err=True)
    click.echo(
        f"{store.describe()}: {result.good} files as recorded, {len(result.missing)} missing, "
        f"{len(result.wrong)} with another checksum, {result.unrecorded} present without a "
        "recorded checksum"
    )
    if result.missing or result.wrong:
        raise SystemExit(1)


def register(app: Flask, groups: Iterable[click.Group] = ()) -> None:
    """Add the core groups and the given feature groups to ``flask``."""
    for group in (outbox_cli, scheduler_cli, storage_cli, *groups):
        app.cli.add_command(group)
