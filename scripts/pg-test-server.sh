#!/usr/bin/env bash
# Installs (Debian package) and starts a local PostgreSQL 15 server on loopback for the test suite, and
# creates a role and database for it. Needs root; prints the connection URL on its last line.
# Safe to run twice. Exit code 3 means "cannot run here" (not root, or no apt), with the reason on stderr.
set -euo pipefail
if [ "$(id -u)" != "0" ]; then
  echo "not root: cannot install or start PostgreSQL" >&2
  exit 3
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package postgresql)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || {
    echo "apt-get could not install postgresql" >&2
    exit 3
  }
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 50); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p $port" && break
  sleep 0.2
done
su postgres -c "psql -q -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='lmr_test'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE ROLE lmr_test LOGIN PASSWORD 'lmr_test' CREATEDB\""
su postgres -c "psql -q -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='lmr_test'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE DATABASE lmr_test OWNER lmr_test\""
echo "postgresql://lmr_test:lmr_test@127.0.0.1:$port/lmr_test"
