#!/usr/bin/env bash
# `npm start`: installs what is missing, prepares the database, corpus, index and build, then serves the
# production app on http://localhost:${PORT:-3000}. Safe to run again: finished steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1

ensure_node_modules
generate_db_clients
npx tsx scripts/check-env.ts
npx tsx scripts/migrate.ts
ensure_data
build_engine
build_app
PORT="${PORT:-3000}"
log "LM Research is starting at http://localhost:${PORT}"
exec node dist/server/index.cjs -p "$PORT"
