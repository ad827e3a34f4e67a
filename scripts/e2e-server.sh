#!/usr/bin/env bash
# A server the Playwright specs drive (playwright.config.ts starts one per project): the production build
# on a fresh data folder, with one admin account made through the admin CLI, the shared corpus index, and a
# copy of the model (specs install and remove experts in it; the committed folder is never changed).
#   bash scripts/e2e-server.sh [PORT] [DATA_FOLDER]   (defaults: 3100, .e2e-data)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-3100}"
export DATA_DIR="$PWD/${2:-.e2e-data}"
export INDEX_DIR="${INDEX_DIR:-$PWD/data/index/flexmix-mini}"
export NEXTAUTH_URL="http://localhost:$PORT"
export NEXT_TELEMETRY_DISABLED=1
# Request log lines would flood the test output: warnings and errors only.
export LOG_LEVEL="${LOG_LEVEL:-warn}"
unset DATABASE_URL
# The specs sign up ~30 accounts from 127.0.0.1 within minutes, past the default THROTTLE_SIGNUP (10/1h);
# every other throttle keeps its default, and e2e/auth.spec.ts proves the sign-in lockout in the browser.
export THROTTLE_SIGNUP="1000/1h"
# One trusted proxy hop: a spec that sends X-Forwarded-For is counted as that address (e2e/safety.spec.ts uses
# its own to reach the sign-up limit without refusing everyone else); requests without it count as the socket's.
export TRUST_PROXY=1
rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"
export MODEL_DIR="$DATA_DIR/model"
cp -r models/flexolmo-mini "$MODEL_DIR"
npx tsx scripts/admin.ts create --email admin@e2e.test --password "e2e-admin-password" --name "E2E Admin" >/dev/null
exec node dist/server/index.cjs -p "$PORT"
