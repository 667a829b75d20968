#!/bin/sh
# Run once by the postgres image, on the first start with an empty data volume
# (/docker-entrypoint-initdb.d), as the bootstrap superuser: makes ATMT's two roles.
#   atmt      owns the database and its tables; migrations run as it (the compose service
#             `migrate`), and so does the purge's SECURITY DEFINER function atmt_redact_client.
#   atmt_app  the app's role: it logs in and owns nothing. `manage.py grant_app_role atmt_app`,
#             run by the owner after every migrate, gives it SELECT and INSERT on the log's tables
#             and no UPDATE, DELETE, TRUNCATE or trigger changes there (README, "Database roles").
# Neither is a superuser: a superuser is above every privilege and trigger.
# The passwords come from .env through the service's environment; psql's :'name' quotes them.
set -e  # (no -u: the image may source this script rather than run it)

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v db="$POSTGRES_DB" \
    -v owner_password="$ATMT_OWNER_PASSWORD" -v app_password="$ATMT_APP_PASSWORD" <<'SQL'
CREATE ROLE atmt LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE atmt_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
    PASSWORD :'app_password';
-- The image made the database (POSTGRES_DB) for the superuser; the owner takes it, and with it
-- the public schema (owned by pg_database_owner since PostgreSQL 15).
ALTER DATABASE :"db" OWNER TO atmt;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO atmt_app;
SQL

# Only the owner creates objects in the schema (already PostgreSQL 15's default; said here).
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
