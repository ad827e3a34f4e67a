# Shared steps of scripts/start.sh and scripts/test.sh. Each is idempotent and quick when already done.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

is_root() { [ "$(id -u)" = "0" ]; }

# npm packages: `npm ci` when node_modules is missing or was installed from another package-lock.json.
ensure_node_modules() {
  local want have=""
  want=$(sha256sum package-lock.json | cut -c1-64)
  [ -f node_modules/.lmr-lock-hash ] && have=$(cat node_modules/.lmr-lock-hash)
  if [ "$want" != "$have" ] || [ ! -d node_modules/next ]; then
    log "installing npm packages (npm ci)"
    # onnxruntime-node's installer would fetch CUDA binaries from an unreachable host; the CPU ones ship in the package.
    ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >node_modules/.lmr-lock-hash
  fi
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

# Both Prisma clients (SQLite and PostgreSQL), generated from the committed schemas.
generate_db_clients() {
  npx prisma generate --schema prisma/schema.prisma >/dev/null
  DATABASE_URL=postgresql://generate@127.0.0.1/none npx prisma generate --schema prisma/postgres/schema.prisma >/dev/null
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
    for p in app lib engine public prisma instrumentation.ts instrumentation-node.ts next.config.js postcss.config.mjs \
      tsconfig.json package-lock.json; do
      [ -e "$p" ] && paths+=("$p")
    done
    # `|| true`: under pipefail, head closing the pipe early must not end the script.
    stale=$(find "${paths[@]}" -type f -newer .next/BUILD_ID -not -path 'lib/db/generated/*' 2>/dev/null | head -1 || true)
  fi
  if [ -n "$stale" ]; then
    log "building the app (next build)"
    NEXT_TELEMETRY_DISABLED=1 npx next build
  fi
}
