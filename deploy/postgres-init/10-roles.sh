#!/bin/sh
# First start of the database: the owner, which runs the migrations and owns every table, and
# the app's role, which gets only what `manage.py grant_app_role` grants it after each migrate
# (README, "Database roles"). POSTGRES_USER, the image's superuser, is used for nothing else.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner_password="$ATMT_OWNER_PASSWORD" -v app_password="$ATMT_APP_PASSWORD" \
    -v database="$POSTGRES_DB" <<'SQL'
CREATE ROLE atmt_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE atmt_app LOGIN PASSWORD :'app_password';
ALTER DATABASE :"database" OWNER TO atmt_owner;
ALTER SCHEMA public OWNER TO atmt_owner;
SQL
