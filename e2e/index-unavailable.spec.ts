import { type ChildProcess, spawn } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { shot } from "./helpers";

/**
 * The search and trace pages when the corpus index cannot be reached, met the three ways an operator can
 * cause it: INDEX_DIR names a folder with no index in it (never built), the index's files are damaged (a
 * shard cut short, as by an interrupted copy), or ENGINE_URLS names shard servers that are down. Each state
 * needs a server started with its own settings, so this spec starts three production servers itself
 * (dist/server/index.cjs, ports E2E_PORT + 2..4, each on a fresh data folder) and stops them afterwards.
 * Each page must keep its header and navigation and show the alert with the reason instead of its tools;
 * the APIs over the index answer 503 with the reason, and the public health check says "degraded". A trace
 * stored while the index was there still opens on its permanent page, under the alert, without the form.
 */

const BASE_PORT = Number(process.env.E2E_PORT ?? 3100) + 2;
const ROOT = process.cwd();
const INDEX = path.join(ROOT, "data", "index", "flexmix-mini");
// A sentence of the corpus (Moby-Dick, chapter 1) between words of our own.
const SENTENCE =
  "There now is your insular city of the Manhattoes, belted round by wharves as Indian isles by coral reefs—commerce surrounds it with her surf.";
const PARAGRAPH = `Last spring I flew to New York for a workshop on compilers. ${SENTENCE} The coffee was bad.`;

interface Server {
  name: "empty" | "damaged" | "down";
  url: string;
  proc: ChildProcess | null;
  log: string;
}

/** The spec's temporary folder (data folders, index copies, logs), made in beforeAll, removed in afterAll. */
let work = "";
const servers: Server[] = (["empty", "damaged", "down"] as const).map((name, i) => ({
  name,
  url: `http://127.0.0.1:${BASE_PORT + i}`,
  proc: null,
  log: "",
}));

/** A loopback port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A copy of the index whose largest shard file is cut to half its length (the other files linked). */
function damagedIndex(): string {
  const dir = path.join(work, "damaged-index");
  const src = realpathSync(INDEX);
  const manifest = JSON.parse(readFileSync(path.join(src, "manifest.json"), "utf8")) as {
    shards: { file: string; fileBytes: number }[];
  };
  const biggest = manifest.shards.reduce((a, b) => (b.fileBytes > a.fileBytes ? b : a));
  mkdirSync(dir);
  copyFileSync(path.join(src, "manifest.json"), path.join(dir, "manifest.json"));
  for (const s of manifest.shards) {
    if (s === biggest) {
      const bytes = readFileSync(path.join(src, s.file));
      writeFileSync(path.join(dir, s.file), bytes.subarray(0, bytes.length >> 1));
    } else symlinkSync(path.join(src, s.file), path.join(dir, s.file));
  }
  return dir;
}

async function start(server: Server, env: Record<string, string>) {
  const dataDir = path.join(work, `data-${server.name}`);
  server.log = path.join(work, `${server.name}.log`);
  const out = openSync(server.log, "a");
  const { DATABASE_URL: _db, ENGINE_URLS: _urls, ...inherited } = process.env;
  server.proc = spawn(
    process.execPath,
    ["dist/server/index.cjs", "-p", new URL(server.url).port, "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      env: {
        ...inherited,
        DATA_DIR: dataDir,
        NEXTAUTH_URL: server.url,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        LOG_LEVEL: "warn",
        ...env,
      },
      stdio: ["ignore", out, out],
    },
  );
  closeSync(out);
  const t0 = Date.now();
  while (Date.now() - t0 < 45_000) {
    if (server.proc.exitCode !== null) break;
    try {
      const res = await fetch(`${server.url}/api/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `the "${server.name}" server did not get ready: ${readFileSync(server.log, "utf8").slice(-2000)}`,
  );
}

/** Stops a server started by `start` (SIGTERM, SIGKILL after 10 s). */
async function stop(server: Server) {
  const proc = server.proc;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The id of a trace stored while the index was there (see beforeAll). */
let storedId = "";

test.beforeAll(async () => {
  test.setTimeout(120_000);
  work = mkdtempSync(path.join(tmpdir(), "index-unavailable-"));
  const empty = mkdtempSync(path.join(work, "empty-index-"));
  const dead = await deadPort();
  await Promise.all([
    (async () => {
      // The "empty" server first runs on the real index and stores a trace, then restarts on an empty
      // folder (the index moved away or not rebuilt yet): the trace's permanent page must still show it.
      await start(servers[0], { INDEX_DIR: INDEX });
      const res = await fetch(`${servers[0].url}/api/v1/trace`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response: PARAGRAPH }),
        signal: AbortSignal.timeout(60_000),
      });
      if (!res.ok) throw new Error(`trace on the intact index: HTTP ${res.status} ${await res.text()}`);
      storedId = ((await res.json()) as { id: string }).id;
      await stop(servers[0]);
      await start(servers[0], { INDEX_DIR: empty });
    })(),
    start(servers[1], { INDEX_DIR: damagedIndex() }),
    start(servers[2], {
      INDEX_DIR: INDEX,
      ENGINE_URLS: `http://127.0.0.1:${dead}`,
      ENGINE_TIMEOUT_MS: "2000",
    }),
  ]);
});

test.afterAll(async () => {
  await Promise.all(servers.map(stop));
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What each state's message says, as the page and the APIs give it. */
const REASON: Record<Server["name"], RegExp> = {
  empty:
    /The corpus index is not built yet \(empty-index-\w+\)\. Run `?npm run setup:data`? or `?npm start`?\./,
  damaged: /The corpus index could not be loaded: .+/,
  down: /no shard server answered: http:\/\/127\.0\.0\.1:\d+/,
};

async function expectUnavailable(page: Page, server: Server, heading: string, width: number) {
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  const alert = main.getByRole("alert");
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("The corpus index is not available.");
  await expect(alert).toContainText(REASON[server.name]);
  // Written for anyone: where the index lies on the server stays out of it (admins see it in /api/health).
  await expect(alert).not.toContainText(work);
  // A command in the reason is set as code, not shown with its backticks.
  await expect(alert).not.toContainText("`");
  if (server.name === "empty") await expect(alert.locator("code").first()).toHaveText("npm run setup:data");
  // The site around the page is intact: the navigation (folded into a menu on a phone) is there.
  if (width < 768) await expect(page.getByLabel("Open navigation")).toBeVisible();
  else
    await expect(
      page.getByRole("navigation", { name: "Main", exact: true }).getByRole("link", { name: "Arena" }),
    ).toBeVisible();
}

for (const server of servers) {
  test.describe(`index ${server.name}`, () => {
    test("search and trace pages show the reason instead of their tools; the APIs answer 503", async ({
      page,
      request,
    }) => {
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));

      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });

        const search = await page.goto(`${server.url}/search`);
        expect(search?.status()).toBe(200);
        await expectUnavailable(page, server, "Corpus search", width);
        await expect(page.getByRole("main").getByLabel("Search string")).toHaveCount(0);
        await expect(page.getByRole("main").getByRole("button", { name: "Count" })).toHaveCount(0);
        await shot(page, `index-${server.name}-search-${width}`);

        const trace = await page.goto(`${server.url}/trace`);
        expect(trace?.status()).toBe(200);
        await expectUnavailable(page, server, "Trace", width);
        await expect(page.getByRole("main").getByLabel("Model response")).toHaveCount(0);
        await expect(page.getByRole("main").getByRole("button", { name: "Trace", exact: true })).toHaveCount(
          0,
        );
        await shot(page, `index-${server.name}-trace-${width}`);

        // Nothing sticks out sideways at either width (a long folder path or URL in the reason wraps).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      }
      expect(errors).toEqual([]);

      // The APIs over the index: 503 with the reason as JSON, for a well-formed request.
      const count = await request.post(`${server.url}/api/infini-gram`, {
        data: { index: "flexmix-mini", query_type: "count", query: "Call me Ishmael" },
      });
      expect(count.status()).toBe(503);
      expect((await count.json()).error).toMatch(REASON[server.name]);
      expect((await count.json()).error).not.toContain(work);

      const traced = await request.post(`${server.url}/api/v1/trace`, { data: { response: PARAGRAPH } });
      expect(traced.status()).toBe(503);
      expect((await traced.json()).error).toMatch(REASON[server.name]);

      // The public health check: up (the database answers) but degraded, the index not "ok".
      const health = await request.get(`${server.url}/api/health`);
      expect(health.status()).toBe(200);
      const body = await health.json();
      expect(body.status).toBe("degraded");
      expect(body.index.status).not.toBe("ok");
    });
  });
}

test("a trace stored before the index went away still opens, with the alert above it", async ({ page }) => {
  const server = servers[0];
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const res = await page.goto(`${server.url}/trace/${storedId}`);
    expect(res?.status()).toBe(200);
    await expectUnavailable(page, server, "Trace", width);
    // The stored result is all there: the span, and the chapter it was found in.
    const span = page.getByRole("button", { name: /^Span: There now is your insular city/ });
    await expect(span).toBeVisible();
    const panel = page.getByRole("region", { name: "Documents" });
    await expect(
      panel.getByRole("listitem", { name: "Document: Moby-Dick, CHAPTER 1. Loomings." }),
    ).toBeVisible();
    await shot(page, `index-empty-stored-trace-${width}`);
  }

  // Nothing here can trace again (no form to fill in vain), and a document's longer context, which is read
  // from the index, says why it cannot be shown.
  await expect(page.getByLabel("Model response")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Trace", exact: true })).toHaveCount(0);
  const chapter = page
    .getByRole("region", { name: "Documents" })
    .getByRole("listitem", { name: "Document: Moby-Dick, CHAPTER 1. Loomings." });
  await chapter.getByRole("button", { name: "View document" }).click();
  const dialog = page.getByRole("dialog", { name: "Moby-Dick, CHAPTER 1. Loomings." });
  await expect(dialog.getByRole("alert")).toContainText(REASON.empty);
  await shot(page, "index-empty-stored-trace-document-390");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  expect(errors).toEqual([]);
});
