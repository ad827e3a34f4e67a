import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);

/**
 * Browser tests against the production build, in Debian's Chromium (Playwright cannot download its own
 * browsers here). Two servers (scripts/e2e-server.sh), each on its own data folder (recreated each run) and
 * the shared corpus index, each with an admin account created through the admin CLI, each driven by one
 * worker: the specs of one server run one after another in file order, as they share its database and model,
 * while the two servers' specs run side by side (a spec spends most of its time waiting on streams,
 * background refreshes and page loads, not on the CPU). Server 1 takes every spec but SERVER_2_SPECS; the
 * split keeps the two about equally long. Ports: E2E_PORT (default 3100) and E2E_PORT + 1; index-unavailable.spec.ts
 * starts servers of its own on E2E_PORT + 2 to + 4.
 */
const SERVER_2_SPECS = [
  "auth.spec.ts",
  "models.spec.ts",
  "papers.spec.ts",
  "playground.spec.ts",
  "safety.spec.ts",
  "search.spec.ts",
  "shell.spec.ts",
  "trace.spec.ts",
];
const SERVERS = [
  { project: "chromium", port: PORT, dataDir: ".e2e-data", testIgnore: SERVER_2_SPECS },
  { project: "chromium-2", port: PORT + 1, dataDir: ".e2e-data-2", testMatch: SERVER_2_SPECS },
];

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: SERVERS.length,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: "test-results",
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  projects: SERVERS.map((server) => ({
    name: server.project,
    testMatch: server.testMatch,
    testIgnore: server.testIgnore,
    workers: 1,
    // Read by the specs through e2eDataDir() (e2e/helpers.ts), for the test-only seeding scripts.
    metadata: { dataDir: server.dataDir },
    use: { ...devices["Desktop Chrome"], baseURL: `http://localhost:${server.port}` },
  })),
  webServer: SERVERS.map((server) => ({
    command: `bash scripts/e2e-server.sh ${server.port} ${server.dataDir}`,
    url: `http://localhost:${server.port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  })),
});
