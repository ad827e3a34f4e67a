/**
 * Abuse bench: the production server (dist/server/index.cjs with the current .next build; the server bundle is
 * rebuilt first) on loopback, on a temporary DATA_DIR, with every throttle at its default, under the traffic a
 * public deployment meets, while signed-in researchers vote:
 *
 *  1. Quiet: `--researchers` researchers vote at `--vote-rate` votes/s for `--seconds` s (their votes stay
 *     under THROTTLE_VOTES); p50/p95 latency.
 *  2. Abuse, at the same time as the same vote load again:
 *     - a flood of the public APIs (infini-gram counts, traces, contamination checks, trace context) from
 *       `--attackers` addresses (default 1; TRUST_PROXY=1 and X-Forwarded-For, as behind a proxy) at
 *       `--flood-connections` connections: what gets through the throttles and what is refused (429);
 *     - password guessing against the admin account from the same addresses;
 *     - `--big-posts` POSTs of 300 MB each, chunked (no Content-Length), to /api/infini-gram at once.
 *     Vote p50/p95 against the quiet phase's, the server's resident memory (sampled every 100 ms: before,
 *     peak, after) and, for each 300 MB POST, how much the client got out before the server answered 413
 *     and closed the connection. Exits non-zero when a big POST got more than 32 MB out (the server must
 *     stop reading at the 64,000-byte limit; the rest is socket buffers) or when a guess got through.
 *
 *   npm run bench:abuse [-- --seconds 20 --researchers 50 --vote-rate 40 --attackers 1 --flood-connections 32 --big-posts 3]
 *
 * Bounded: each phase lasts `--seconds`; loopback only; the server and the temporary folder are removed at the
 * end (--keep keeps the folder).
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import {
  arenaInserts,
  benchDataDir,
  buildEngine,
  freePort,
  ms,
  pct,
  sessionCookies,
  startProdServer,
  stopProdServer,
} from "./prod-server";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    researchers: { type: "string", default: "50" },
    "vote-rate": { type: "string", default: "40" },
    attackers: { type: "string", default: "1" },
    "flood-connections": { type: "string", default: "32" },
    "big-posts": { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const SECONDS = Number(values.seconds);
const USERS = Number(values.researchers);
const VOTE_RATE = Number(values["vote-rate"]);
const ATTACKERS = Number(values.attackers);
const FLOOD_CONNECTIONS = Number(values["flood-connections"]);
const BIG_POSTS = Number(values["big-posts"]);
const BIG_BYTES = 300 * 1024 * 1024;
const MODELS = 8;
const SECRET = randomBytes(32).toString("hex");
const ADMIN = { email: "admin@abuse.test", password: "the-admin-password-1" };

const { dir, dbFile } = benchDataDir("bench-abuse-");

const mb = (x: number) => `${(x / 2 ** 20).toFixed(1)} MB`;

let server: ChildProcess | null = null;

async function startServer(port: number): Promise<void> {
  server = await startProdServer({
    port,
    dataDir: dir,
    secret: SECRET,
    env: {
      // As behind one reverse proxy: the attackers' addresses come from X-Forwarded-For.
      TRUST_PROXY: "1",
    },
  });
}

async function stopServer() {
  const s = server;
  server = null;
  await stopProdServer(s);
}

function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Researchers, models and answered battles to vote on (one per planned vote, over both phases). */
function seed(battlesPerUser: number): string[][] {
  const sql = new Database(dbFile);
  sql.pragma("journal_mode = WAL");
  const ins = arenaInserts(sql);
  const perUser: string[][] = Array.from({ length: USERS }, () => []);
  sql.transaction(() => {
    for (let u = 0; u < USERS; u++) ins.user(u, "abuse.test");
    for (let m = 0; m < MODELS; m++) ins.model(m, `abuse-model-${m}`);
    ins.uncapVotes();
    for (let u = 0; u < USERS; u++)
      for (let i = 0; i < battlesPerUser; i++) {
        const a = (u + i) % MODELS;
        const b = (a + 1) % MODELS;
        const id = `b${u}-${i}`;
        ins.battle(id, u, `Question ${i}?`, a, b);
        perUser[u].push(id);
      }
  })();
  sql.close();
  return perUser;
}

interface VotePhase {
  latencies: number[];
  statuses: Map<number, number>;
}

/** Researchers voting at VOTE_RATE votes/s for SECONDS s, each on their own battles, round robin. */
function voteLoad(
  base: string,
  cookies: string[],
  battles: string[][],
  cursor: number[],
): Promise<VotePhase> {
  let next = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const instance = autocannon({
    url: base,
    connections: Math.min(USERS, 10),
    overallRate: VOTE_RATE,
    duration: SECONDS,
    timeout: 30,
    requests: [
      {
        setupRequest: (req) => {
          const u = next++ % USERS;
          const id = battles[u][cursor[u]++ % battles[u].length];
          return {
            ...req,
            method: "POST",
            path: `/api/arena/battles/${id}/vote`,
            headers: {
              cookie: cookies[u],
              "content-type": "application/json",
              origin: base,
              "sec-fetch-site": "same-origin",
            },
            body: '{"choice":"a"}',
          };
        },
      },
    ],
  });
  instance.on("response", (_c: unknown, status: number, _b: number, t: number) => {
    latencies.push(t);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  return Promise.resolve(instance).then(() => ({ latencies: latencies.sort((a, b) => a - b), statuses }));
}

const attacker = (i: number) => `198.51.100.${(i % ATTACKERS) + 1}`;

/** The public-API flood and password guessing, from ATTACKERS addresses. */
function flood(base: string, csrf: { token: string; cookie: string }) {
  let next = 0;
  const statuses = new Map<string, number>();
  let guessesThrough = 0;
  const kinds = ["infini-gram", "trace", "contamination", "trace-context", "sign-in"] as const;
  const bodies: Record<(typeof kinds)[number], { path: string; type: string; body: (i: number) => string }> =
    {
      "infini-gram": {
        path: "/api/infini-gram",
        type: "application/json",
        body: (i) =>
          JSON.stringify({ index: "flexmix-mini", query_type: "count", query: `the ${i % 97} of` }),
      },
      trace: {
        path: "/api/v1/trace",
        type: "application/json",
        body: (i) =>
          JSON.stringify({ response: `It was the best of times, it was the worst of times ${i}.` }),
      },
      contamination: {
        path: "/api/contamination",
        type: "application/json",
        body: () =>
          JSON.stringify({
            entries: [{ text: "The quick brown fox jumps over the lazy dog again and again." }],
          }),
      },
      "trace-context": {
        path: "/api/v1/trace/context",
        type: "application/json",
        body: () => JSON.stringify({ shard: "nope", position: 0, length: 10 }),
      },
      "sign-in": {
        path: "/api/auth/callback/credentials",
        type: "application/x-www-form-urlencoded",
        body: (i) =>
          new URLSearchParams({
            csrfToken: csrf.token,
            email: ADMIN.email,
            password: `guess-${i}`,
            json: "true",
          }).toString(),
      },
    };
  const instance = autocannon({
    url: base,
    connections: FLOOD_CONNECTIONS,
    duration: SECONDS,
    timeout: 30,
    requests: [
      {
        setupRequest: (req, context) => {
          const i = next++;
          const kind = kinds[i % kinds.length];
          context.kind = kind;
          const b = bodies[kind];
          return {
            ...req,
            method: "POST",
            path: b.path,
            headers: {
              "content-type": b.type,
              "x-forwarded-for": attacker(i),
              ...(kind === "sign-in" ? { cookie: csrf.cookie } : {}),
            },
            body: b.body(i),
          };
        },
        // The client's context holds the kind of the request just answered (one request in flight per client).
        onResponse: (status, _body, context) => {
          const key = `${context.kind} ${status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          if (context.kind === "sign-in" && status === 200) guessesThrough++;
        },
      },
    ],
  });
  return Promise.resolve(instance).then(() => ({ statuses, guessesThrough }));
}

/** One 300 MB chunked POST: the status the server answered and how much the client got out before the close. */
function bigPost(port: number, i: number): Promise<{ status: number; sent: number; ms: number }> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const t0 = performance.now();
  return new Promise((resolve) => {
    let sent = 0;
    let status = 0;
    const req = request({
      host: "127.0.0.1",
      port,
      path: "/api/infini-gram",
      method: "POST",
      headers: {
        "content-type": "application/json",
        "transfer-encoding": "chunked",
        "x-forwarded-for": attacker(i),
      },
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.resume();
    });
    req.on("error", () => {});
    req.on("close", () => resolve({ status, sent, ms: performance.now() - t0 }));
    req.write('{"query":"');
    const pump = () => {
      while (sent < BIG_BYTES && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

async function csrfFor(base: string): Promise<{ token: string; cookie: string }> {
  const r = await fetch(`${base}/api/auth/csrf`);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { token: ((await r.json()) as { csrfToken: string }).csrfToken, cookie };
}

function summarize(phase: VotePhase): string {
  const l = phase.latencies;
  return `${l.length} votes, statuses ${[...phase.statuses].map(([s, n]) => `${s}×${n}`).join(", ")}; p50 ${ms(pct(l, 50))}, p95 ${ms(pct(l, 95))}, p99 ${ms(pct(l, 99))}`;
}

async function main() {
  console.log(
    `bench:abuse — DATA_DIR ${dir}; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
  );
  buildEngine();
  execFileSync(
    process.execPath,
    [
      path.join("node_modules", "tsx", "dist", "cli.mjs"),
      "scripts/admin.ts",
      "create",
      "--email",
      ADMIN.email,
      "--password",
      ADMIN.password,
    ],
    { stdio: "ignore", env: { ...process.env, DATA_DIR: dir } },
  );
  const perPhase = Math.ceil((VOTE_RATE * SECONDS) / USERS) + 2;
  const battles = seed(perPhase * 2);
  const port = await freePort();
  await startServer(port);
  const base = `http://127.0.0.1:${port}`;
  const pid = server!.pid!;
  const cookies = await sessionCookies(USERS, SECRET, "abuse.test");
  // Warm up each path once (route compilation, worker start), not counted.
  await fetch(`${base}/api/infini-gram`, { method: "POST", body: '{"query_type":"count","query":"warm"}' });
  await fetch(`${base}/api/v1/trace`, {
    method: "POST",
    body: '{"response":"warm up the trace service now"}',
  });
  const cursor = Array.from({ length: USERS }, () => 0);
  console.log(
    `server on ${base}: ${USERS} researchers voting at ${VOTE_RATE}/s (${((VOTE_RATE * 60) / USERS).toFixed(0)} a minute each), ${SECONDS} s per phase`,
  );

  const quiet = await voteLoad(base, cookies, battles, cursor);
  const rssBefore = rssMb(pid);
  console.log(`\n1. quiet: ${summarize(quiet)}; server RSS ${rssBefore.toFixed(0)} MB`);

  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);
  const csrf = await csrfFor(base);
  const [busy, attack, ...big] = await Promise.all([
    voteLoad(base, cookies, battles, cursor),
    flood(base, csrf),
    ...Array.from({ length: BIG_POSTS }, (_, i) => bigPost(port, i)),
  ]);
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, 1000));
  const rssAfter = rssMb(pid);

  console.log(`\n2. under abuse: ${summarize(busy)}`);
  const q95 = pct(quiet.latencies, 95);
  const b95 = pct(busy.latencies, 95);
  console.log(`   vote p95 ${ms(b95)} vs ${ms(q95)} quiet (${(b95 / q95).toFixed(2)}x)`);
  const byKind = new Map<string, string[]>();
  for (const [key, n] of [...attack.statuses].sort()) {
    const [kind, status] = key.split(" ");
    byKind.set(kind, [...(byKind.get(kind) ?? []), `${status}×${n}`]);
  }
  console.log(`   flood from ${ATTACKERS} addresses at ${FLOOD_CONNECTIONS} connections:`);
  for (const [kind, list] of byKind) console.log(`     ${kind.padEnd(14)} ${list.join(", ")}`);
  for (const [i, b] of big.entries())
    console.log(
      `   300 MB chunked POST #${i + 1}: HTTP ${b.status} after ${b.ms.toFixed(0)} ms; the client got ${mb(b.sent)} out`,
    );
  console.log(
    `   server RSS: ${rssBefore.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB, ${rssAfter.toFixed(0)} MB after`,
  );

  const proof = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: csrf.cookie,
      "x-forwarded-for": "203.0.113.200",
    },
    body: new URLSearchParams({
      csrfToken: csrf.token,
      email: ADMIN.email,
      password: ADMIN.password,
      json: "true",
    }),
  });
  console.log(
    `   the right admin password from a fresh address after the guessing: HTTP ${proof.status} (locked: ${proof.status === 429 ? "yes" : "no"}), Retry-After ${proof.headers.get("retry-after")}`,
  );
  const tooMuch = big.filter((b) => b.status !== 413 || b.sent > 32 * 2 ** 20);
  if (tooMuch.length > 0 || attack.guessesThrough > 0) {
    console.log(
      `FAILED: ${tooMuch.length} big POSTs read too far or not refused; ${attack.guessesThrough} guesses signed in`,
    );
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  await stopServer();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
