#!/usr/bin/env bash
# `npm test`: the whole suite. Installs what it needs (npm packages; as root also Debian's Chromium and
# PostgreSQL), then runs, in order: schema check, lint and format (Biome), type check, unit and database
# tests (SQLite always, PostgreSQL when it can be started), and the Playwright specs against the
# production build in Chromium. Safe to run twice. Ends with one line "test: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

ensure_node_modules
ensure_chromium
generate_db_clients

log "schema: derived PostgreSQL schema and migrations are current"
npx tsx scripts/db-schema.ts check

log "lint and format (biome)"
npx biome check .

log "type check (tsc)"
npx tsc --noEmit -p .

if PG_URL=$(bash scripts/pg-test-server.sh 2>"$LOGS/pg.err" | tail -1) && [ -n "$PG_URL" ]; then
  export TEST_POSTGRES_URL="$PG_URL"
  log "database tests run against SQLite and PostgreSQL ($PG_URL)"
else
  unset TEST_POSTGRES_URL
  log "PostgreSQL half of the database tests skipped: $(cat "$LOGS/pg.err" | tail -1)"
fi

log "unit and database tests (node --test)"
mapfile -t UNIT < <(find app lib engine server scripts bench -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)
set +e
node --import tsx --test --test-concurrency=2 --test-reporter=spec "${UNIT[@]}" 2>&1 | tee "$LOGS/unit.log"
unit_status=${PIPESTATUS[0]}
set -e
num() { grep -E "^ℹ $1 [0-9]+" "$LOGS/unit.log" | tail -1 | awk '{print $3}'; }
u_pass=$(num pass); u_fail=$(num fail); u_skip=$(num skipped)
u_pass=${u_pass:-0}; u_fail=${u_fail:-0}; u_skip=${u_skip:-0}
if [ "$unit_status" != "0" ] && [ "$u_fail" = "0" ]; then u_fail=1; fi

log "corpus, index and build for the browser tests"
ensure_data
# The build folder and the e2e port are shared by everyone working in this checkout: one run at a time.
exec 9>/tmp/e2e.lock
flock 9
build_engine
build_app

log "browser tests (Playwright, Chromium)"
set +e
PLAYWRIGHT_JSON_OUTPUT_NAME="$LOGS/e2e.json" npx playwright test --reporter=list,json
e2e_status=$?
set -e
# Three production servers on one PostgreSQL of its own (scripts/cluster-test.ts), when PostgreSQL can run.
c_pass=0; c_fail=0; c_skip=0
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  log "cluster test (three servers on one PostgreSQL)"
  set +e
  npx tsx scripts/cluster-test.ts 2>&1 | tee "$LOGS/cluster.log"
  cluster_status=${PIPESTATUS[0]}
  set -e
  c_pass=$(grep -c '^PASS ' "$LOGS/cluster.log" || true)
  c_fail=$(grep -c '^FAIL ' "$LOGS/cluster.log" || true)
  c_skip=$(grep -c '^SKIP ' "$LOGS/cluster.log" || true)
  if [ "$cluster_status" = "3" ]; then c_skip=1
  elif [ "$cluster_status" != "0" ] && [ "$c_fail" = "0" ]; then c_fail=1; fi
else
  c_skip=1
  log "cluster test skipped: PostgreSQL is not available"
fi
flock -u 9
read -r e_pass e_fail e_skip < <(node -e '
  const fs = require("fs"); let s = { expected: 0, unexpected: 0, flaky: 0, skipped: 0 };
  try { s = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).stats; } catch {}
  console.log(`${s.expected + s.flaky} ${s.unexpected} ${s.skipped}`);' "$LOGS/e2e.json")
if [ "$e2e_status" != "0" ] && [ "$e_fail" = "0" ]; then e_fail=1; fi

echo
echo "unit: ${u_pass} passed, ${u_fail} failed, ${u_skip} skipped"
echo "e2e: ${e_pass} passed, ${e_fail} failed, ${e_skip} skipped"
echo "cluster: ${c_pass} passed, ${c_fail} failed, ${c_skip} skipped"
echo "test: $((u_pass + e_pass + c_pass)) passed, $((u_fail + e_fail + c_fail)) failed, $((u_skip + e_skip + c_skip)) skipped"
[ "$unit_status" = "0" ] && [ "$e2e_status" = "0" ] && [ "$c_fail" = "0" ]
