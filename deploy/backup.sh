#!/usr/bin/env bash
# A backup of Certpath into one folder: the database (pg_dump, custom format) and a copy of
# every uploaded file (flask storage copy, each copy read back and checked against the source).
#
#   deploy/backup.sh /var/backups/certpath/2026-12-02
#
# Run it with the application's environment: DATABASE_URL (PostgreSQL), CERTPATH_STORAGE_URL
# and, for an S3-compatible store, CERTPATH_STORAGE_S3_* and boto3's credentials. The database
# is dumped before the files are copied: a file uploaded in between is copied without its row
# (harmless), while a file deleted in between would be missing — deploy/restore_check.sh says
# so. PYTHON names the interpreter of the application's virtual environment.
set -euo pipefail

dest=${1:?usage: deploy/backup.sh BACKUP_FOLDER}
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
export FLASK_APP=wsgi

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
# libpq knows postgresql:// (and postgres://), not SQLAlchemy's driver suffix.
database=${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}
database=${database/postgresql+psycopg:/postgresql:}

pg_dump --format=custom --no-owner --no-privileges --file "$dest/database.dump" "$database"
"$python" -m flask storage copy "${CERTPATH_STORAGE_URL:-file://$PWD/instance/uploads}" \
    "file://$dest/files"
echo "backup in $dest: database.dump and files/"
