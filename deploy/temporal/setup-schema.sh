#!/bin/sh
# Creates Temporal's two PostgreSQL databases if missing and brings their schemas to the version
# the server needs, with the server's own SQL tool: the schema job of deploy/compose.yaml, and
# what caseflow's CI runs. Idempotent: run it before every start of the server.
#
# Environment: TEMPORAL_DB_HOST, TEMPORAL_DB_PORT [5432], TEMPORAL_DB_USER, TEMPORAL_DB_PASSWORD,
# TEMPORAL_SQL_TOOL [temporal-sql-tool], TEMPORAL_SCHEMA_DIR [/etc/temporal/schema/postgresql].
set -eu
tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}
schemas=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql}
for db in temporal:temporal temporal_visibility:visibility; do
  name=${db%%:*}
  schema=${db##*:}
  set -- --plugin postgres12 --ep "${TEMPORAL_DB_HOST:?}" -p "${TEMPORAL_DB_PORT:-5432}" \
    -u "${TEMPORAL_DB_USER:?}" --pw "${TEMPORAL_DB_PASSWORD:?}" --db "$name"
  # Both fail, harmlessly, once the database and its version table exist; update-schema then
  # fails loudly if anything is really wrong.
  "$tool" "$@" create-database >/dev/null 2>&1 || true
  "$tool" "$@" setup-schema -v 0.0 >/dev/null 2>&1 || true
  "$tool" "$@" update-schema -d "$schemas/v12/$schema/versioned"
done
echo "temporal schemas up to date"
