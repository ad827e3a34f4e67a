#!/usr/bin/env bash
# `npm test`: the whole suite. Installs what it needs (npm packages; as root also Debian's Chromium and
# PostgreSQL), then runs the schema check, lint and format (Biome), type check, unit and database tests
# (SQLite always, PostgreSQL when it can be started), the Playwright specs against the production build in
# Chromium, and (as root) the cluster test. Safe to run twice. Ends with one line
# "test: N passed, N failed, N skipped".
#
# Steps that do not depend on each other run side by side, since most of them wait more than they compute
# or use one core: Debian's packages while npm installs; better-sqlite3's compile (lib.sh) while the schema
# check, Biome, tsc, the corpus, the index and the builds run; then the browser tests next to the unit tests
# and the cluster test. A step running in the background writes to a log that is printed, whole, when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1
LOGS=$(mktemp -d)
declare -A JOB_PID=()
stop_jobs() {
  local pid
  for pid in "${JOB_PID[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  stop_native_build
  rm -rf "$LOGS"
}
trap stop_jobs EXIT
trap 'exit 130' INT TERM

# job NAME COMMAND...: runs COMMAND (a function of this script or lib.sh, or a program) in the background,
# with `set -e`, in a process group of its own (so that stop_jobs ends all of it), output to $LOGS/NAME.log.
job() {
  local name=$1
  shift
  set -m
  (
    set +e
    (
      set -euo pipefail
      "$@"
    ) </dev/null >"$LOGS/$name.log" 2>&1
    echo $? >"$LOGS/$name.rc"
  ) &
  JOB_PID[$name]=$!
  set +m
}
# finish NAME [TITLE]: waits for the job, prints its log (under TITLE when given) and returns its exit code.
finish() {
  local name=$1
  wait "${JOB_PID[$name]}" || true
  unset "JOB_PID[$name]"
  [ -n "${2:-}" ] && log "$2"
  cat "$LOGS/$name.log"
  return "$(cat "$LOGS/$name.rc" 2>/dev/null || echo 1)"
}

# libdivsufsort for the index build, Chromium, then PostgreSQL for the database tests (as root, each installed
# from Debian when missing; one after another, as apt takes a lock): the server's URL, or the reason it cannot
# run, on the last line of the log.
system_packages() {
  ensure_suffix_sorter
  ensure_chromium
  bash scripts/pg-test-server.sh
}
browser_data() {
  ensure_data
  build_engine
}
unit_tests() {
  mapfile -t UNIT < <(find app lib engine server scripts bench -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)
  # A test that hangs fails after 5 minutes, and a handle a failed test left open does not keep its file running.
  node --import tsx --test --test-concurrency=2 --test-timeout=300000 --test-force-exit --test-reporter=spec "${UNIT[@]}"
}
cluster_test() {
  npx tsx scripts/cluster-test.ts
}

# Without root, a missing Chromium cannot be installed: say so now rather than after the build.
is_root || ensure_chromium
job system system_packages
ensure_node_modules
generate_db_clients

# The build folder and the e2e port(s) are shared by everyone working in this checkout: one run at a time.
exec 9>/tmp/e2e.lock
flock 9
job browser_data browser_data

log "schema: derived PostgreSQL schema and migrations are current"
npx tsx scripts/db-schema.ts check
log "lint and format (biome)"
npx biome check .
# Before `next build`, which rewrites the .next/types that tsc reads.
log "type check (tsc)"
npx tsc --noEmit -p .

finish browser_data "corpus, index and engine bundle for the browser tests"
build_app
wait_native_build

finish system >"$LOGS/system.out" || true
if ! ensure_chromium 2>/dev/null; then
  cat "$LOGS/system.out"
  exit 1
fi
PG_URL=$(tail -1 "$LOGS/system.out")
if [[ "$PG_URL" == postgresql://* ]]; then
  export TEST_POSTGRES_URL="$PG_URL"
  log "database tests run against SQLite and PostgreSQL ($PG_URL)"
else
  unset TEST_POSTGRES_URL
  log "PostgreSQL half of the database tests skipped: $PG_URL"
fi

job unit unit_tests
# Three production servers on one PostgreSQL of its own (scripts/cluster-test.ts), when PostgreSQL can run.
if [ -n "${TEST_POSTGRES_URL:-}" ]; then job cluster cluster_test; fi

log "browser tests (Playwright, Chromium), with the unit tests and the cluster test alongside"
set +e
PLAYWRIGHT_JSON_OUTPUT_NAME="$LOGS/e2e.json" npx playwright test --reporter=list,json
e2e_status=$?
set -e

unit_status=0
finish unit "unit and database tests (node --test)" >"$LOGS/unit.out" || unit_status=$?
cat "$LOGS/unit.out"
num() { grep -E "^ℹ $1 [0-9]+" "$LOGS/unit.out" | tail -1 | awk '{print $3}'; }
u_pass=$(num pass); u_fail=$(num fail); u_skip=$(num skipped)
u_pass=${u_pass:-0}; u_fail=${u_fail:-0}; u_skip=${u_skip:-0}
if [ "$unit_status" != "0" ] && [ "$u_fail" = "0" ]; then u_fail=1; fi

c_pass=0; c_fail=0; c_skip=0
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  cluster_status=0
  finish cluster "cluster test (three servers on one PostgreSQL)" >"$LOGS/cluster.out" || cluster_status=$?
  cat "$LOGS/cluster.out"
  c_pass=$(grep -c '^PASS ' "$LOGS/cluster.out" || true)
  c_fail=$(grep -c '^FAIL ' "$LOGS/cluster.out" || true)
  c_skip=$(grep -c '^SKIP ' "$LOGS/cluster.out" || true)
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
