#!/usr/bin/env bash
# Restores a backup of deploy/backup.sh into a scratch database and a scratch store, then
# checks that every file a row of the restored database names (documents, engagement files,
# notice attachments) is in the restored store with the sha256 the row records.
#
#   createdb -h 127.0.0.1 -U postgres certpath_restore
#   deploy/restore_check.sh /var/backups/certpath/2026-12-02 \
#       postgresql://postgres@127.0.0.1/certpath_restore s3://certpath-restore/check
#
# The scratch database must exist and be empty; the store may be a folder (file:///…) or a
# bucket (with the S3 settings and credentials of the environment, as for the app). Exit
# status 0 only when the backup restores whole.
set -euo pipefail

backup=${1:?usage: deploy/restore_check.sh BACKUP_FOLDER SCRATCH_DATABASE_URL SCRATCH_STORAGE_URL}
database=${2:?the scratch database (empty), e.g. postgresql://postgres@127.0.0.1/certpath_restore}
store=${3:?the scratch store, e.g. s3://certpath-restore/check or file:///tmp/restore}
backup=$(cd "$backup" && pwd)
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
export FLASK_APP=wsgi

pg_restore --no-owner --no-privileges --exit-on-error \
    --dbname "${database/postgresql+psycopg:/postgresql:}" "$backup/database.dump"
export DATABASE_URL=$database CERTPATH_STORAGE_URL=$store
"$python" -m flask storage copy "file://$backup/files" "$store"
"$python" -m flask storage verify
