/**
 * `npm run test:cluster`: three production servers (`node dist/server/index.cjs`) on one PostgreSQL, all on
 * loopback, started and stopped here, on ports CLUSTER_PORT_BASE (default 4410) to CLUSTER_PORT_BASE + 4. Needs
 * the production build (`npm run build:engine && npx next build`) and root (or the postgres user) to run a
 * PostgreSQL server of its own: a fresh cluster made with initdb in a temporary folder, so restarting it
 * disturbs no other test. Exit code 0 when every check passes, 1 when one fails, 3 when it cannot run here.
 * KEEP_CLUSTER_LOGS=1 keeps the servers' JSON logs.
 *
 * Checks, in order (each prints its figures):
 *  1. a judge run started on one server: the server running its job is killed with SIGKILL mid-run; another
 *     takes the run over within 60 s and finishes it, with every item judged (stored) exactly once;
 *  2. meanwhile 30 s of votes, one every 500 ms, spread over the servers: every vote is in a leaderboard
 *     snapshot within 10 s, and every refresh job ran once (computed once per cluster);
 *  3. sign-in throttled on one server is throttled on the others (when the app has sign-in throttles);
 *  4. a PostgreSQL restart: afterwards every server is ready again, takes a vote, refreshes the leaderboard
 *     and runs a new judge run to the end;
 *  5. SIGTERM during a streamed arena answer: the answer finishes, the battle is stored, the server exits 0.
 *
 * A fake OpenAI-compatible model server (in this process) serves the judge and two arena models: it counts
 * the judge's calls per item and streams arena answers slowly.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createAccount } from "../lib/auth/accounts";
import { createDb, type Db } from "../lib/db/create";
import { applyMigrations } from "../lib/db/migrate";
import { parseDbTime } from "../lib/db/sql";
import { databaseTarget } from "../lib/db/target";
import { DEFAULT_JUDGE_PROMPT } from "../lib/judges/prompt";

/** Five loopback ports from CLUSTER_PORT_BASE: PostgreSQL, three app servers, the fake model server. */
const BASE = Number(process.env.CLUSTER_PORT_BASE ?? 4410);
const PG_PORT = BASE;
const APP_PORTS = [BASE + 1, BASE + 2, BASE + 3];
const FAKE_PORT = BASE + 4;
const SECRET = "cluster-test-secret-0123456789abcdef0123456789";
const JUDGE_ITEMS = 40;
/** Each judge call takes this long (two calls per item): a run of 40 items takes ~12 s on one server. */
const JUDGE_CALL_MS = 150;
const ROOT = process.cwd();
const started = Date.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (msg: string) => console.log(`[cluster ${t()}] ${msg}`);

const results: { check: string; ok: boolean; detail: string }[] = [];
function check(name: string, ok: boolean, detail: string) {
  results.push({ check: name, ok, detail });
  console.log(`${ok ? "PASS" : "FAIL"} ${name}: ${detail}`);
}

function cannotRun(why: string): never {
  console.error(`test:cluster cannot run here: ${why}`);
  process.exit(3);
}

// ---------------------------------------------------------------- PostgreSQL of our own

const work = mkdtempSync(path.join(tmpdir(), "lmr-cluster-"));
chmodSync(work, 0o755);
const pgData = path.join(work, "pg");
const pgBin = (() => {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const v = execFileSync("ls", [base])
    .toString()
    .trim()
    .split("\n")
    .sort((a, b) => Number(a) - Number(b))
    .pop();
  return v ? path.join(base, v, "bin") : null;
})();
const asPostgres = (cmd: string, args: string[]) => {
  const isRoot = process.getuid?.() === 0;
  return isRoot
    ? execFileSync("runuser", ["-u", "postgres", "--", path.join(pgBin!, cmd), ...args], { stdio: "pipe" })
    : execFileSync(path.join(pgBin!, cmd), args, { stdio: "pipe" });
};
function pgCtl(action: "start" | "stop" | "restart") {
  asPostgres("pg_ctl", [
    action,
    "-D",
    pgData,
    "-w",
    "-t",
    "60",
    "-m",
    "fast",
    "-l",
    path.join(work, "pg.log"),
    "-o",
    `-p ${PG_PORT} -k ${work} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`,
  ]);
}
function startPostgres(): string {
  if (!pgBin)
    cannotRun("no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)");
  if (process.getuid?.() !== 0 && process.env.USER !== "postgres")
    cannotRun("not root: cannot run initdb as postgres");
  execFileSync("chown", ["postgres", work]);
  asPostgres("initdb", ["-D", pgData, "-U", "lmr", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  pgCtl("start");
  return `postgresql://lmr@127.0.0.1:${PG_PORT}/postgres`;
}

// ---------------------------------------------------------------- the fake model server

const judgeCalls = new Map<string, number>();
const judgeCallLog: { at: number; item: string }[] = [];
function fakeModels(): Server {
  return createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", async () => {
      const parsed = JSON.parse(body || "{}") as { model?: string; messages?: { content: string }[] };
      const text = (parsed.messages ?? []).map((m) => m.content).join("\n");
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (s: string) =>
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: s } }] })}\n\n`);
      if (parsed.model === "fake-judge") {
        const item = text.match(/CLUSTER-ITEM-(\d+)/)?.[1] ?? "?";
        judgeCalls.set(item, (judgeCalls.get(item) ?? 0) + 1);
        judgeCallLog.push({ at: Date.now(), item });
        await sleep(JUDGE_CALL_MS);
        chunk("A");
      } else {
        // An arena answer: 30 pieces over ~3 s.
        for (let i = 0; i < 30 && !res.destroyed; i++) {
          chunk(`piece${i} `);
          await sleep(100);
        }
      }
      res.end("data: [DONE]\n\n");
    });
  }).listen(FAKE_PORT, "127.0.0.1");
}

// ---------------------------------------------------------------- app servers

interface App {
  port: number;
  url: string;
  proc: ChildProcess | null;
  logFile: string;
  exit: Promise<number | null> | null;
}
const apps: App[] = APP_PORTS.map((port, i) => ({
  port,
  url: `http://127.0.0.1:${port}`,
  proc: null,
  logFile: path.join(work, `app${i + 1}.log`),
  exit: null,
}));

function startApp(app: App, databaseUrl: string) {
  const dataDir = path.join(work, `data-${app.port}`);
  mkdirSync(dataDir, { recursive: true });
  const out = openSync(app.logFile, "a");
  const proc = spawn(process.execPath, ["dist/server/index.cjs", "-p", String(app.port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      INDEX_DIR: process.env.INDEX_DIR ?? path.join(ROOT, "data", "index", "flexmix-mini"),
      NEXTAUTH_SECRET: SECRET,
      NEXTAUTH_URL: app.url,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "info",
      SHUTDOWN_GRACE_MS: "20000",
      // One researcher votes 120 times a minute here (the default allows 60).
      THROTTLE_VOTES: "1000/1m",
      RATINGS_WORKER: process.env.RATINGS_WORKER ?? "",
    },
    stdio: ["ignore", out, out],
  });
  app.proc = proc;
  app.exit = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
}

/** `work`, or an error naming `url` when it has not settled within `ms` (a plain timer, whatever `work` does). */
async function settleWithin<T>(url: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from ${url} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A fetch, body included, that settles within `ms` (the abort signal, and a timer a second later): the body
 * is read inside the limit, since a body read can outlive an aborted fetch on a busy machine.
 */
function get(url: string, init: RequestInit = {}, ms = 10_000): Promise<Response> {
  const whole = async () => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms), redirect: "manual" });
    const body = await res.arrayBuffer();
    const noBody = [101, 204, 205, 304].includes(res.status);
    return new Response(noBody ? null : body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
  return settleWithin(url, ms + 1000, whole());
}

/**
 * A fetch whose headers arrive within `ms`, its body left to stream (the caller reads it as it comes; the
 * abort signal ends the stream at `ms` too).
 */
function getStreamed(url: string, init: RequestInit, ms: number): Promise<Response> {
  return settleWithin(url, ms, fetch(url, { ...init, signal: AbortSignal.timeout(ms), redirect: "manual" }));
}

async function waitReady(app: App, ms: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      const r = await get(`${app.url}/api/health/ready`, {}, 3000);
      await r.arrayBuffer();
      if (r.status === 200) return Date.now() - t0;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${app.url} was not ready within ${ms} ms (log: ${app.logFile})`);
}

/** next-auth's credentials sign-in over HTTP: the session cookie, or the failure's status and text. */
async function signIn(
  app: App,
  email: string,
  password: string,
): Promise<{ cookie: string | null; status: number; text: string }> {
  const csrf = await get(`${app.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = (csrf.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const r = await get(`${app.url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, origin: app.url },
    body: new URLSearchParams({
      csrfToken,
      email,
      password,
      callbackUrl: `${app.url}/`,
      json: "true",
    }).toString(),
  });
  const session = (r.headers.getSetCookie?.() ?? []).find((c) => c.startsWith("next-auth.session-token="));
  const text = await r.text();
  return { cookie: session ? session.split(";")[0] : null, status: r.status, text: text.slice(0, 300) };
}

function logLines(app: App): Record<string, unknown>[] {
  if (!existsSync(app.logFile)) return [];
  return readFileSync(app.logFile, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

// ---------------------------------------------------------------- the run

async function seed(db: Db) {
  const admin = await createAccount(
    db,
    { email: "admin@cluster.test", password: "cluster-admin-pw", name: "Admin" },
    { role: "admin" },
  );
  const voter = await createAccount(db, {
    email: "voter@cluster.test",
    password: "cluster-voter-pw",
    name: "Voter",
  });
  await createAccount(db, { email: "target@cluster.test", password: "cluster-target-pw", name: "Target" });
  const judge = await db.modelProvider.create({
    data: {
      name: "fake-judge",
      kind: "openai",
      baseUrl: `http://127.0.0.1:${FAKE_PORT}/v1`,
      modelName: "fake-judge",
      timeoutMs: 30_000,
    },
  });
  // Only the two fake arena models answer battles.
  await db.modelProvider.updateMany({ where: { name: { not: "fake-judge" } }, data: { enabled: false } });
  const [m1, m2] = await Promise.all(
    ["fake-a", "fake-b"].map((name) =>
      db.modelProvider.create({
        data: {
          name,
          kind: "openai",
          baseUrl: `http://127.0.0.1:${FAKE_PORT}/v1`,
          modelName: name,
          timeoutMs: 30_000,
        },
      }),
    ),
  );
  await db.modelProvider.update({ where: { id: judge.id }, data: { enabled: false } });
  const dataset = await db.evalDataset.create({
    data: { name: "cluster", source: "import", itemCount: JUDGE_ITEMS },
  });
  await db.evalItem.createMany({
    data: Array.from({ length: JUDGE_ITEMS * 2 }, (_, i) => ({
      datasetId: dataset.id,
      position: i,
      externalId: String(i),
      question: `CLUSTER-ITEM-${i} Which answer is better?`,
      responseA: "first",
      responseB: "second",
      modelA: "x",
      modelB: "y",
      vote: i < JUDGE_ITEMS ? "A" : "tie",
    })),
  });
  // Answered battles of the voter, to vote on.
  const battles: string[] = [];
  for (let i = 0; i < 90; i++) {
    const b = await db.battle.create({
      data: {
        userId: voter.id,
        question: `cluster question ${i}`,
        passages: "[]",
        modelAId: m1.id,
        modelBId: m2.id,
        answerA: "a",
        answerB: "b",
        status: "answered",
        subject: "Other",
        answeredAt: new Date(),
      },
    });
    battles.push(b.id);
  }
  return { admin, voter, judge, dataset, battles };
}

async function latestSnapshot(c: pg.Client): Promise<number | null> {
  const r = await c.query(`SELECT max("createdAt")::text AS at FROM "RatingsSnapshot" WHERE "filter" = ''`);
  return r.rows[0]?.at ? parseDbTime(r.rows[0].at) : null;
}

async function main() {
  if (!existsSync(path.join(ROOT, "dist/server/index.cjs")) || !existsSync(path.join(ROOT, ".next/BUILD_ID")))
    cannotRun("no production build: run `npx tsx scripts/build-engine.ts && npx next build` first");
  say(`work folder ${work}`);
  const adminUrl = startPostgres();
  execFileSync(path.join(pgBin!, "psql"), [
    "-h",
    "127.0.0.1",
    "-p",
    String(PG_PORT),
    "-U",
    "lmr",
    "-d",
    "postgres",
    "-qc",
    "CREATE DATABASE lmr_cluster",
  ]);
  const databaseUrl = adminUrl.replace(/\/postgres$/, "/lmr_cluster");
  say(`PostgreSQL on port ${PG_PORT}`);
  const fake = fakeModels();
  await applyMigrations(databaseTarget(databaseUrl));
  for (const app of apps) startApp(app, databaseUrl);
  const readyMs = await Promise.all(apps.map((a) => waitReady(a, 180_000)));
  say(`three servers ready (${readyMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")})`);
  const db = createDb(databaseTarget(databaseUrl));
  const seeded = await seed(db);
  say("accounts, models, a 40-pair dataset and 90 battles to vote on seeded");
  const probe = new pg.Client({ connectionString: databaseUrl });
  probe.on("error", () => {}); // the restart below ends this connection
  await probe.connect();
  const [A, B] = apps;

  const admin = await signIn(A, "admin@cluster.test", "cluster-admin-pw");
  const voter = await signIn(B, "voter@cluster.test", "cluster-voter-pw");
  if (!admin.cookie || !voter.cookie)
    throw new Error(`sign-in failed: ${admin.status} ${admin.text} / ${voter.status} ${voter.text}`);

  // ---- 1 + 2: a judge run, its runner killed; votes all along
  const post = await get(`${A.url}/api/v1/admin/judges/runs`, {
    method: "POST",
    headers: { cookie: admin.cookie, "content-type": "application/json", origin: A.url },
    body: JSON.stringify({
      datasetId: seeded.dataset.id,
      judgeId: seeded.judge.id,
      prompt: DEFAULT_JUDGE_PROMPT,
    }),
  });
  const postText = await post.text();
  if (post.status !== 202) throw new Error(`starting the judge run: ${post.status} ${postText}`);
  const runId = (JSON.parse(postText) as { id: string }).id;
  say(`judge run ${runId} started through ${A.url}`);

  const votes: { at: number; ok: boolean; port: number; status: number }[] = [];
  let voting = true;
  const voteLoop = (async () => {
    for (let i = 0; i < 60; i++) {
      const tick = Date.now();
      const alive = apps.filter((a) => a.proc && a.proc.exitCode === null && a.proc.signalCode === null);
      const app = alive[i % alive.length];
      const r = await get(`${app.url}/api/arena/battles/${seeded.battles[i]}/vote`, {
        method: "POST",
        headers: { cookie: voter.cookie!, "content-type": "application/json", origin: app.url },
        body: JSON.stringify({ choice: i % 3 === 0 ? "b" : "a" }),
      }).catch(() => null);
      await r?.arrayBuffer();
      votes.push({ at: tick, ok: r?.status === 200, port: app.port, status: r?.status ?? 0 });
      await sleep(Math.max(0, 500 - (Date.now() - tick)));
    }
    voting = false;
  })();
  // Snapshot observer: when each snapshot (by its read time) became visible.
  const seen: { createdAt: number; seenAt: number }[] = [];
  const observer = (async () => {
    let last = 0;
    while (voting || Date.now() - (votes.at(-1)?.at ?? 0) < 12_000) {
      const at = await latestSnapshot(probe).catch(() => null);
      if (at !== null && at !== last) {
        seen.push({ createdAt: at, seenAt: Date.now() });
        last = at;
      }
      await sleep(100);
    }
  })();

  // Find the server running the run's job (its log says so) once a few items are judged; kill it.
  let runner: App | undefined;
  for (let i = 0; i < 200 && !runner; i++) {
    const done = (
      await probe.query(`SELECT count(*)::int AS n FROM "JudgeVerdict" WHERE "runId" = $1`, [runId])
    ).rows[0].n;
    if (done >= 5)
      runner = apps.find((a) => logLines(a).some((l) => l.msg === "job started" && l.queue === "judge-run"));
    if (!runner) await sleep(100);
  }
  if (!runner) throw new Error("no server logged taking the judge run");
  const judgedBeforeKill = (
    await probe.query(`SELECT count(*)::int AS n FROM "JudgeVerdict" WHERE "runId" = $1`, [runId])
  ).rows[0].n;
  runner.proc!.kill("SIGKILL");
  const killedAt = Date.now();
  await runner.exit;
  say(`SIGKILL to the judge runner on port ${runner.port} after ${judgedBeforeKill} of ${JUDGE_ITEMS} items`);

  await voteLoop;
  await observer;
  // Check 2: every successful vote is covered by a snapshot (read started at or after the vote) within 10 s.
  const okVotes = votes.filter((v) => v.ok);
  const delays = okVotes.map((v) => {
    const cover = seen.find((s) => s.createdAt >= v.at);
    return cover ? cover.seenAt - v.at : Number.POSITIVE_INFINITY;
  });
  const maxDelay = Math.max(...delays);
  check(
    "leaderboard fresh under steady votes",
    okVotes.length >= 55 && maxDelay <= 10_000,
    `${okVotes.length}/${votes.length} votes stored over ${((votes.at(-1)!.at - votes[0].at) / 1000).toFixed(1)} s across ${new Set(votes.map((v) => v.port)).size} servers; every vote in a snapshot within ${(maxDelay / 1000).toFixed(1)} s (median ${(delays.sort((a, b) => a - b)[delays.length >> 1] / 1000).toFixed(1)} s); ${seen.length} snapshots seen`,
  );
  // Refresh jobs by id, with the servers that started them in time order: a job starts twice only when its
  // first runner was the killed server (a takeover).
  const refreshStarts = new Map<string, number[]>();
  const starts = apps
    .flatMap((a) =>
      logLines(a)
        .filter((l) => l.msg === "job started" && l.queue === "ratings-refresh")
        .map((l) => ({ job: String(l.job), port: a.port, at: Date.parse(String(l.time)) })),
    )
    .sort((x, y) => x.at - y.at);
  for (const s of starts) refreshStarts.set(s.job, [...(refreshStarts.get(s.job) ?? []), s.port]);
  const rerun = [...refreshStarts.values()].filter((ports) => ports.length > 1);
  const badRerun = rerun.filter((ports) => ports.length > 2 || ports[0] !== runner!.port);
  const refreshServers = new Set([...refreshStarts.values()].flat()).size;
  check(
    "each leaderboard refresh computed once per cluster",
    refreshStarts.size > 0 && badRerun.length === 0,
    `${refreshStarts.size} refresh jobs over ${refreshServers} servers; started twice: ${rerun.length} (each the killed server's job, taken over), otherwise once`,
  );

  // Check 1: the run finishes elsewhere, each item stored once.
  let status = "";
  for (let i = 0; i < 900; i++) {
    status = (await probe.query(`SELECT status FROM "JudgeRun" WHERE id = $1`, [runId])).rows[0].status;
    if (status !== "running" && status !== "queued") break;
    await sleep(100);
  }
  const firstCallAfterKill = judgeCallLog.find((c) => c.at > killedAt + 50)?.at ?? Number.NaN;
  const takeoverMs = firstCallAfterKill - killedAt;
  const verdicts = (
    await probe.query(
      `SELECT count(*)::int AS n, count(DISTINCT "itemId")::int AS d FROM "JudgeVerdict" WHERE "runId" = $1`,
      [runId],
    )
  ).rows[0];
  const taker = apps.find(
    (a) => a !== runner && logLines(a).some((l) => l.msg === "job started" && l.queue === "judge-run"),
  );
  const callsPerItem = [...judgeCalls.entries()].filter(([k]) => Number(k) < JUDGE_ITEMS);
  const twice = callsPerItem.filter(([, n]) => n > 2).map(([k]) => k);
  check(
    "judge run survives SIGKILL of its runner",
    status === "done" &&
      verdicts.n === JUDGE_ITEMS &&
      verdicts.d === JUDGE_ITEMS &&
      takeoverMs <= 60_000 &&
      twice.length <= 1,
    `status ${status}; ${verdicts.n} verdicts for ${verdicts.d} distinct items of ${JUDGE_ITEMS}; taken over by port ${taker?.port ?? "?"} ${(takeoverMs / 1000).toFixed(1)} s after the kill; judge called for ${callsPerItem.length} items, more than once (the call in flight at the kill) for ${twice.length}`,
  );

  // ---- 3: sign-in throttles across instances
  const alive = () => apps.filter((a) => a.proc && a.proc.exitCode === null && a.proc.signalCode === null);
  {
    const [p, q] = alive();
    const outcomes: number[] = [];
    for (let i = 0; i < 12; i++) outcomes.push((await signIn(p, "target@cluster.test", `wrong-${i}`)).status);
    const other = await signIn(q, "target@cluster.test", "cluster-target-pw");
    const throttledHere = outcomes.some((s) => s === 429);
    if (!throttledHere && other.cookie) {
      console.log(
        `SKIP sign-in throttle across instances: 12 wrong passwords on port ${p.port} were not throttled (statuses ${[...new Set(outcomes)].join(",")}); this app has no sign-in throttle yet`,
      );
    } else {
      check(
        "sign-in throttled on one instance is throttled on the others",
        !other.cookie && (other.status === 429 || /too many|try again/i.test(other.text)),
        `12 wrong passwords on port ${p.port} (statuses ${[...new Set(outcomes)].join(",")}); the right password on port ${q.port}: ${other.status} ${other.cookie ? "signed in" : other.text.slice(0, 80)}`,
      );
    }
  }

  // ---- 4: PostgreSQL restart
  const tRestart = Date.now();
  pgCtl("restart");
  const restartMs = Date.now() - tRestart;
  say(`PostgreSQL restarted (${(restartMs / 1000).toFixed(1)} s)`);
  await probe.end().catch(() => {});
  const probe2 = new pg.Client({ connectionString: databaseUrl });
  probe2.on("error", () => {});
  await probe2.connect();
  const readyAfter = await Promise.all(
    alive().map((a) =>
      waitReady(a, 60_000).then(
        (ms) => ms,
        () => Number.POSITIVE_INFINITY,
      ),
    ),
  );
  const votesAfter: number[] = [];
  const voteAt = Date.now();
  for (const [i, a] of alive().entries()) {
    const r = await get(`${a.url}/api/arena/battles/${seeded.battles[70 + i]}/vote`, {
      method: "POST",
      headers: { cookie: voter.cookie!, "content-type": "application/json", origin: a.url },
      body: JSON.stringify({ choice: "a" }),
    });
    await r.arrayBuffer();
    votesAfter.push(r.status);
  }
  let freshAfter = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 150; i++) {
    const at = await latestSnapshot(probe2).catch(() => null);
    if (at !== null && at >= voteAt) {
      freshAfter = Date.now() - voteAt;
      break;
    }
    await sleep(100);
  }
  const run2 = await get(`${alive()[0].url}/api/v1/admin/judges/runs`, {
    method: "POST",
    headers: { cookie: admin.cookie, "content-type": "application/json", origin: alive()[0].url },
    body: JSON.stringify({
      datasetId: seeded.dataset.id,
      judgeId: seeded.judge.id,
      prompt: DEFAULT_JUDGE_PROMPT,
    }),
  });
  const run2Id = ((await run2.json()) as { id?: string }).id;
  let run2Status = "";
  for (let i = 0; i < 600 && run2Id; i++) {
    run2Status =
      (await probe2.query(`SELECT status FROM "JudgeRun" WHERE id = $1`, [run2Id])).rows[0]?.status ?? "";
    if (run2Status === "done" || run2Status === "failed") break;
    await sleep(100);
  }
  const pages = await Promise.all(
    alive().map((a) =>
      get(`${a.url}/leaderboard`).then(
        (r) => r.status,
        () => 0,
      ),
    ),
  );
  check(
    "every server answers after a PostgreSQL restart",
    readyAfter.every((ms) => ms < 60_000) &&
      votesAfter.every((s) => s === 200) &&
      freshAfter <= 10_000 &&
      run2Status === "done" &&
      pages.every((s) => s === 200),
    `restart took ${(restartMs / 1000).toFixed(1)} s; ready again after ${readyAfter.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")}; votes ${votesAfter.join(",")}; leaderboard refreshed ${(freshAfter / 1000).toFixed(1)} s after them; a new judge run: ${run2Status}; /leaderboard ${pages.join(",")}`,
  );

  // ---- 5: SIGTERM during a streamed arena answer
  {
    await db.modelProvider.updateMany({
      where: { name: { in: ["fake-a", "fake-b"] } },
      data: { enabled: true },
    });
    const target = alive().at(-1)!;
    const r = await getStreamed(
      `${target.url}/api/arena/battles`,
      {
        method: "POST",
        headers: { cookie: voter.cookie!, "content-type": "application/json", origin: target.url },
        body: JSON.stringify({
          question: "How does BM25 rank documents by term frequency?",
          subject: "Other",
        }),
      },
      60_000,
    );
    const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    let signalled = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (!signalled && text.includes('"chunk"')) {
        target.proc!.kill("SIGTERM");
        signalled = Date.now();
      }
    }
    const events = text
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; id?: string });
    const battleId = events.find((e) => e.type === "battle")?.id;
    const code = await Promise.race([target.exit, sleep(30_000).then(() => "timeout")]);
    const stored = battleId
      ? (
          await probe2.query(
            `SELECT status, length("answerA") AS a, length("answerB") AS b FROM "Battle" WHERE id = $1`,
            [battleId],
          )
        ).rows[0]
      : null;
    check(
      "SIGTERM during a streamed arena answer lets it finish",
      r.status === 200 && events.at(-1)?.type === "answered" && stored?.status === "answered" && code === 0,
      `stream ${r.status}, ${events.length} events, last "${events.at(-1)?.type}" ${((Date.now() - signalled) / 1000).toFixed(1)} s after SIGTERM; battle ${stored?.status} (answers of ${stored?.a} and ${stored?.b} characters); server exit code ${code}`,
    );
  }
  await probe2.end();
  await db.$disconnect();
  fake.close();
}

async function cleanup() {
  for (const app of apps)
    if (app.proc && app.proc.exitCode === null && app.proc.signalCode === null) app.proc.kill("SIGKILL");
  await Promise.all(apps.map((a) => a.exit));
  if (existsSync(path.join(pgData, "postmaster.pid"))) {
    try {
      pgCtl("stop");
    } catch (e) {
      console.error("stopping PostgreSQL:", (e as Error).message);
    }
  }
  if (process.env.KEEP_CLUSTER_LOGS) console.log(`logs kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** The whole test ends within this long, whatever hangs: a failure, then the usual clean-up. */
const WATCHDOG_MS = 8 * 60_000;
let watchdogTimer: ReturnType<typeof setTimeout> | undefined;
const watchdog = new Promise<never>((_, reject) => {
  watchdogTimer = setTimeout(
    () => reject(new Error(`the test did not finish within ${WATCHDOG_MS / 60_000} minutes`)),
    WATCHDOG_MS,
  );
});

Promise.race([main(), watchdog])
  .catch((e) => {
    check("cluster test ran to the end", false, e instanceof Error ? e.message : String(e));
    for (const app of apps) {
      console.error(`--- last lines of ${app.logFile}`);
      if (existsSync(app.logFile))
        console.error(readFileSync(app.logFile, "utf8").split("\n").slice(-15).join("\n"));
    }
  })
  .finally(async () => {
    clearTimeout(watchdogTimer);
    await cleanup();
    const failed = results.filter((r) => !r.ok);
    console.log(
      `test:cluster: ${results.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    process.exit(failed.length ? 1 : 0);
  });
