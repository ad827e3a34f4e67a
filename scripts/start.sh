#!/usr/bin/env bash
# `npm start`: installs what is missing, prepares the database, corpus, index and build, then serves the
# production app on http://localhost:${PORT:-3000}. Safe to run again: finished steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1

trap stop_native_build EXIT
ensure_node_modules
generate_db_clients
npx tsx scripts/check-env.ts
# None of these opens a database: they run while better-sqlite3 compiles after a fresh `npm ci` (lib.sh).
# The bundled corpus and its index only when the app serves the default index: not when it queries shard
# servers (ENGINE_URLS) or an index of the deployment's own (INDEX_DIR).
if [ -n "${ENGINE_URLS:-}" ]; then
  log "ENGINE_URLS is set: the app queries the shard servers; the bundled corpus and index are not built"
elif [ -n "${INDEX_DIR:-}" ] && [ "${INDEX_DIR%/}" != "data/index/flexmix-mini" ]; then
  log "INDEX_DIR is $INDEX_DIR: the bundled corpus and index are not built"
else
  ensure_suffix_sorter
  ensure_data
fi
build_engine
build_app
wait_native_build
trap - EXIT
npx tsx scripts/migrate.ts
PORT="${PORT:-3000}"
log "LM Research is starting at http://localhost:${PORT}"
exec node dist/server/index.cjs -p "$PORT"
