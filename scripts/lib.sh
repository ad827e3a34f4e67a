# Shared steps of scripts/start.sh and scripts/test.sh. Each is idempotent and quick when already done.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

is_root() { [ "$(id -u)" = "0" ]; }

# npm packages: `npm ci` when node_modules is missing or was installed from another package-lock.json.
# better-sqlite3 compiles SQLite from source (its prebuilt binaries cannot be downloaded here): a minute and
# a half of one core, most of a warm-cache `npm ci`. So the packages are installed without their install
# scripts, the scripts run as `npm ci` would run them, except better-sqlite3's, which is left compiling in
# the background (its own process group, NATIVE_BUILD_PID) while the steps that open no database run; call
# wait_native_build before anything opens one, and stop_native_build in the caller's EXIT trap.
NATIVE_BUILD_PID=""
NATIVE_BUILD_LOG=""
ensure_node_modules() {
  local want have=""
  want=$(sha256sum package-lock.json | cut -c1-64)
  [ -f node_modules/.lmr-lock-hash ] && have=$(cat node_modules/.lmr-lock-hash)
  if [ "$want" != "$have" ] || [ ! -d node_modules/next ]; then
    log "installing npm packages (npm ci; better-sqlite3 compiles in the background)"
    # onnxruntime-node's installer would fetch CUDA binaries from an unreachable host; the CPU ones ship in the package.
    export ONNXRUNTIME_NODE_INSTALL=skip
    rm -f node_modules/.lmr-lock-hash
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    local scripted=()
    mapfile -t scripted < <(node -e '
      const fs = require("fs");
      for (const [at, p] of Object.entries(require("./package-lock.json").packages))
        if (p.hasInstallScript && at !== "node_modules/better-sqlite3" && fs.existsSync(at))
          console.log(at.slice(at.lastIndexOf("node_modules/") + 13));')
    if [ "${#scripted[@]}" -gt 0 ]; then npm rebuild --loglevel=error "${scripted[@]}"; fi
    NATIVE_BUILD_LOG=$(mktemp)
    set -m
    (npm rebuild --loglevel=error better-sqlite3 && echo "$want" >node_modules/.lmr-lock-hash) \
      </dev/null >"$NATIVE_BUILD_LOG" 2>&1 &
    NATIVE_BUILD_PID=$!
    set +m
  fi
}

# Waits for better-sqlite3's compile started by ensure_node_modules (if any); on failure prints its log.
wait_native_build() {
  [ -n "$NATIVE_BUILD_PID" ] || return 0
  local status=0
  wait "$NATIVE_BUILD_PID" || status=$?
  NATIVE_BUILD_PID=""
  if [ "$status" != "0" ]; then
    cat "$NATIVE_BUILD_LOG" >&2
    echo "compiling better-sqlite3 failed (exit code $status)" >&2
  fi
  rm -f "$NATIVE_BUILD_LOG"
  return "$status"
}

stop_native_build() {
  [ -n "$NATIVE_BUILD_PID" ] && kill -- "-$NATIVE_BUILD_PID" 2>/dev/null
  [ -n "$NATIVE_BUILD_LOG" ] && rm -f "$NATIVE_BUILD_LOG"
  return 0
}

# Debian's Chromium for the browser tests (Playwright cannot download its own browsers here).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if is_root; then
    log "installing Chromium (Debian package)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is not installed and this is not root: install Debian's chromium package (sudo apt-get install chromium)" >&2
    return 1
  fi
}

# libdivsufsort (Debian package), the index build's suffix sorter for one-byte texts (engine/fm/sais-native.ts):
# a third faster than the WebAssembly sorter, which is used without it. As root it is installed when missing
# (from the package lists already present, else after an update); otherwise the build says nothing and uses
# the WebAssembly sorter. Never fails the caller.
ensure_suffix_sorter() {
  local f
  for f in /usr/lib/*/libdivsufsort.so.3 /usr/lib/libdivsufsort.so.3; do [ -e "$f" ] && return 0; done
  is_root && command -v apt-get >/dev/null || return 0
  log "installing libdivsufsort (Debian package libdivsufsort3, the index build's suffix sorter)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq libdivsufsort3 >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq libdivsufsort3 >/dev/null; } ||
    echo "libdivsufsort3 could not be installed: index builds use the WebAssembly suffix sorter" >&2
  return 0
}

# Both Prisma clients (SQLite and PostgreSQL), generated from the committed schemas, side by side.
generate_db_clients() {
  npx prisma generate --schema prisma/schema.prisma >/dev/null &
  local sqlite=$!
  DATABASE_URL=postgresql://generate@127.0.0.1/none npx prisma generate --schema prisma/postgres/schema.prisma >/dev/null
  wait "$sqlite"
}

# The default corpus and its FM-index, built once (engine/); a no-op when current.
ensure_data() {
  if node -e 'process.exit(require("./package.json").scripts["setup:data"] ? 0 : 1)'; then
    npm run -s setup:data
  fi
}

# The engine's worker bundle (dist/engine), used by the server's worker threads.
build_engine() {
  if [ -f scripts/build-engine.ts ]; then npx tsx scripts/build-engine.ts; fi
}

# The production build, rebuilt only when a source file is newer than the last build.
build_app() {
  local stale=""
  if [ ! -f .next/BUILD_ID ]; then
    stale=yes
  else
    local paths=() p
    for p in app lib engine public prisma proxy.ts instrumentation.ts instrumentation-node.ts next.config.js postcss.config.mjs \
      tsconfig.json package-lock.json; do
      [ -e "$p" ] && paths+=("$p")
    done
    # `|| true`: under pipefail, head closing the pipe early must not end the script. Tests are not built.
    stale=$(find "${paths[@]}" -type f -newer .next/BUILD_ID -not -path 'lib/db/generated/*' -not -name '*.test.ts' \
      2>/dev/null | head -1 || true)
  fi
  if [ -n "$stale" ]; then
    log "building the app (next build)"
    NEXT_TELEMETRY_DISABLED=1 npx next build
  fi
}
