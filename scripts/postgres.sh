#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback and create the test role and database, then export
# SHOOTPRINT_TEST_POSTGRES_URL for the test suite. Sourced by .ci/run; run it by hand (as root) to
# test against PostgreSQL locally: `source scripts/postgres.sh && bash scripts/test.sh`.
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi

cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  pg_createcluster "$version" main >/dev/null
  cluster="$version main"
fi
# shellcheck disable=SC2086
set -- $cluster
status=$(pg_lsclusters --no-header | awk -v v="$1" -v c="$2" '$1==v && $2==c {print $4}')
[ "$status" = "online" ] || pg_ctlcluster "$1" "$2" start
port=$(pg_lsclusters --no-header | awk -v v="$1" -v c="$2" '$1==v && $2==c {print $3}')

as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi; }
as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='shootprint'\"" | grep -q 1 ||
  as_postgres "psql -p $port -qc \"CREATE ROLE shootprint LOGIN CREATEDB PASSWORD 'shootprint'\""
as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname='shootprint_test'\"" | grep -q 1 ||
  as_postgres "psql -p $port -qc 'CREATE DATABASE shootprint_test OWNER shootprint'"

# The backup tests end their own stray connections (pg_terminate_backend) whatever role opened them.
as_postgres "psql -p $port -qc 'GRANT pg_signal_backend TO shootprint'" >/dev/null

export SHOOTPRINT_TEST_POSTGRES_URL="postgresql+psycopg://shootprint:shootprint@127.0.0.1:$port/shootprint_test"
echo "PostgreSQL on 127.0.0.1:$port (SHOOTPRINT_TEST_POSTGRES_URL set)"
