#!/bin/sh
# Runs in temporalio/admin-tools: creates and migrates Temporal's two PostgreSQL databases (idempotent).
set -eu
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do echo "waiting for PostgreSQL..."; sleep 2; done
for db in temporal temporal_visibility; do
  case "$db" in
    temporal) schema=/etc/temporal/schema/postgresql/v12/temporal/versioned ;;
    *) schema=/etc/temporal/schema/postgresql/v12/visibility/versioned ;;
  esac
  tool="temporal-sql-tool --plugin postgres12 --ep $POSTGRES_SEEDS -u $POSTGRES_USER -p $DB_PORT --db $db"
  $tool create || echo "database $db exists"
  $tool setup-schema -v 0.0 || echo "schema of $db already set up"
  $tool update-schema -d "$schema"
done
echo "Temporal schema ready"
