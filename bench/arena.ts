/**
 * Arena bench against the production server on loopback (dist/server/index.cjs, as `npm start` runs it,
 * with the current .next build; the server bundle is rebuilt first), on a
 * temporary DATA_DIR with users and battles seeded straight into its SQLite database:
 *
 *  1. Vote submission: `--votes` POST /api/arena/battles/:id/vote requests at `--connections` concurrent
 *     connections with autocannon, over `--battles` answered battles (the rest repeat earlier battles, the
 *     idempotent path). Prints p50/p95/p99 latency (per response) and checks every vote is stored exactly
 *     once (one Vote row per battle, every battle "voted", every response 200).
 *  2. Leaderboard page: `--leaderboard-votes` (default 1M) voted battles added with better-sqlite3 in
 *     transactions; the server restarted; time to first byte of GET /leaderboard while the background
 *     refresh reads and rates the 1M votes (one request every `--ttfb-interval-ms`, 100 by default, so a
 *     refresh of a few seconds still gives a p95 over dozens of samples), and again once the new snapshot is
 *     stored.
 *
 *   npm run bench:arena [-- --votes 5000 --battles 4000 --connections 50 --leaderboard-votes 1000000]
 *   (--cpu-prof DIR writes V8 CPU profiles of the server into DIR, one per server run)
 *
 * Bounded: each phase has a time limit; loopback only; the server and the temporary folder are removed at
 * the end (--keep keeps the folder).
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import {
  arenaInserts,
  benchDataDir,
  buildEngine,
  freePort,
  iso,
  ms,
  pct,
  sessionCookies,
  startProdServer,
  stopProdServer,
} from "./prod-server";

const { values } = parseArgs({
  options: {
    votes: { type: "string", default: "5000" },
    battles: { type: "string", default: "4000" },
    connections: { type: "string", default: "50" },
    "leaderboard-votes": { type: "string", default: "1000000" },
    "ttfb-requests": { type: "string", default: "100" },
    "ttfb-interval-ms": { type: "string", default: "100" },
    "refresh-timeout": { type: "string", default: "420" },
    keep: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
  },
});
const VOTES = Number(values.votes);
const BATTLES = Number(values.battles);
const CONNECTIONS = Number(values.connections);
const BIG = Number(values["leaderboard-votes"]);
const TTFB_N = Number(values["ttfb-requests"]);
const TTFB_INTERVAL_MS = Number(values["ttfb-interval-ms"]);
const REFRESH_TIMEOUT_S = Number(values["refresh-timeout"]);
const USERS = 50;
const MODELS = 20;
const SECRET = randomBytes(32).toString("hex");

const { dir, dbFile } = benchDataDir("bench-arena-");

let server: ChildProcess | null = null;

async function startServer(port: number): Promise<void> {
  const prof = values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`] : [];
  server = await startProdServer({
    port,
    dataDir: dir,
    secret: SECRET,
    nodeArgs: prof,
    env: {
      // 50 researchers cast ~100 votes each in a few seconds: far past the default THROTTLE_VOTES (60/1m).
      // The throttle still counts every vote in the database; bench/abuse.ts measures votes under defaults.
      THROTTLE_VOTES: "1000000/1m",
    },
  });
}

async function stopServer() {
  const s = server;
  server = null;
  // With --cpu-prof the server must exit normally to write its profile.
  await stopProdServer(s, values["cpu-prof"] ? "SIGTERM" : "SIGKILL");
}

async function migrate() {
  const { applyMigrations } = await import("../lib/db/migrate");
  const { databaseTarget } = await import("../lib/db/target");
  await applyMigrations(databaseTarget(undefined));
}

function seedVoteBattles(): { id: string; user: number }[] {
  const sql = new Database(dbFile);
  sql.pragma("journal_mode = WAL");
  const ins = arenaInserts(sql);
  const out: { id: string; user: number }[] = [];
  sql.transaction(() => {
    for (let u = 0; u < USERS; u++) ins.user(u, "bench.test");
    for (let m = 0; m < MODELS; m++) ins.model(m, `bench-model-${m}`);
    ins.uncapVotes();
    for (let i = 0; i < BATTLES; i++) {
      const a = i % MODELS;
      const b = (a + 1 + (i % (MODELS - 1))) % MODELS;
      ins.battle(`vb${i}`, i % USERS, `Question ${i}?`, a, b);
      out.push({ id: `vb${i}`, user: i % USERS });
    }
  })();
  sql.close();
  return out;
}

function seedBigVotes(n: number): number {
  const sql = new Database(dbFile);
  sql.pragma("journal_mode = WAL");
  sql.pragma("synchronous = OFF");
  const insBattle = sql.prepare(
    "INSERT INTO Battle (id, userId, question, passages, modelAId, modelBId, answerA, answerB, status, flagged, subject, createdAt, answeredAt, votedAt) VALUES (?, ?, ?, '[]', ?, ?, ?, ?, 'voted', 0, ?, ?, ?, ?)",
  );
  const insVote = sql.prepare(
    "INSERT INTO Vote (id, battleId, userId, choice, createdAt) VALUES (?, ?, ?, ?, ?)",
  );
  const subjects = ["Natural science", "Engineering", "Medicine", "Computer science", "Other"];
  const choices = ["a", "b", "a", "b", "tie", "bothbad"];
  const answers = [
    "Short answer citing [1].",
    "## Findings\n- point one [1]\n- point two [2]\n**Bold** claim [3].",
    "A longer answer that discusses the retrieved evidence in more detail [1][2] and concludes.",
  ];
  const t0 = Date.now();
  // Spread over the days before now, so every vote is older than any snapshot.
  const start = Date.now() - n * 10_000 - 60_000;
  const BATCH = 50_000;
  for (let s = 0; s < n; s += BATCH) {
    sql.transaction(() => {
      for (let i = s; i < Math.min(n, s + BATCH); i++) {
        const a = i % MODELS;
        const b = (a + 1 + ((i * 7) % (MODELS - 1))) % MODELS;
        const when = iso(start + i * 10_000);
        const id = `big${i}`;
        insBattle.run(
          id,
          `u${i % USERS}`,
          "Q?",
          `m${a}`,
          `m${b}`,
          answers[i % 3],
          answers[(i + 1) % 3],
          subjects[i % 5],
          when,
          when,
          when,
        );
        // Stronger models (lower index) win more often, so the ratings spread.
        const choice = (i * 2654435761) % 100 < 50 + (b - a) * 2 ? "a" : choices[(i >>> 3) % 6];
        insVote.run(`bigv${i}`, id, `u${i % USERS}`, choice, when);
      }
    })();
  }
  // The seeded votes predate the vote-phase snapshot; drop it so the server computes one over all votes.
  sql.prepare("DELETE FROM RatingsSnapshot").run();
  sql.close();
  return (Date.now() - t0) / 1000;
}

async function ttfb(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const took = performance.now() - t; // fetch resolves when the status line and headers arrive
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return took;
}

function snapshotVotes(): number {
  const sql = new Database(dbFile, { readonly: true });
  const row = sql
    .prepare("SELECT votes FROM RatingsSnapshot WHERE filter = '' ORDER BY createdAt DESC LIMIT 1")
    .get() as { votes: number } | undefined;
  sql.close();
  return row?.votes ?? 0;
}

async function main() {
  console.log(`bench:arena — DATA_DIR ${dir}`);
  buildEngine();
  await migrate();
  const battles = seedVoteBattles();
  const port = await freePort();
  await startServer(port);
  const base = `http://127.0.0.1:${port}`;
  console.log(`server on ${base} (production build)`);
  const cookies = await sessionCookies(USERS, SECRET, "bench.test");
  // Warm-up: one vote per route compilation path, not counted.
  const warm = battles[battles.length - 1];
  const w = await fetch(`${base}/api/arena/battles/${warm.id}/vote`, {
    method: "POST",
    headers: { cookie: cookies[warm.user], "content-type": "application/json" },
    body: JSON.stringify({ choice: "a" }),
  });
  if (!w.ok) throw new Error(`warm-up vote: HTTP ${w.status} ${await w.text()}`);

  // 1. Votes.
  const choices = ["a", "b", "tie", "bothbad"];
  const planned: { id: string; user: number; choice: string }[] = [];
  for (let i = 0; i < VOTES; i++) {
    const k = i < BATTLES - 1 ? i : (i * 7919) % (BATTLES - 1);
    planned.push({ ...battles[k], choice: choices[k % 4] });
  }
  let next = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const t0 = performance.now();
  const instance = autocannon({
    url: base,
    connections: CONNECTIONS,
    amount: VOTES,
    timeout: 30,
    requests: [
      {
        setupRequest: (req) => {
          const p = planned[next++ % planned.length];
          return {
            ...req,
            method: "POST",
            path: `/api/arena/battles/${p.id}/vote`,
            headers: { cookie: cookies[p.user], "content-type": "application/json" },
            body: JSON.stringify({ choice: p.choice }),
          };
        },
      },
    ],
  });
  instance.on("response", (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const result = await instance;
  const wall = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const sql = new Database(dbFile, { readonly: true });
  const votedIds = new Set(planned.map((p) => p.id));
  votedIds.add(warm.id);
  const voteRows = (sql.prepare("SELECT COUNT(*) AS n FROM Vote").get() as { n: number }).n;
  const perBattle = sql
    .prepare("SELECT COUNT(*) AS n FROM (SELECT battleId FROM Vote GROUP BY battleId HAVING COUNT(*) > 1)")
    .get() as { n: number };
  const notVoted = (
    sql.prepare("SELECT COUNT(*) AS n FROM Battle WHERE id LIKE 'vb%' AND status != 'voted'").get() as {
      n: number;
    }
  ).n;
  sql.close();
  const ok200 = statuses.get(200) ?? 0;
  const exactlyOnce = voteRows === votedIds.size && perBattle.n === 0 && notVoted === BATTLES - votedIds.size;
  console.log(
    `\nVotes: ${VOTES} requests (${BATTLES} battles; ${VOTES - (BATTLES - 1)} repeats), ${CONNECTIONS} connections`,
  );
  console.log(
    `  wall ${wall.toFixed(2)} s, ${(VOTES / wall).toFixed(0)} req/s, errors ${result.errors}, timeouts ${result.timeouts}`,
  );
  console.log(`  status codes: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(", ")}`);
  console.log(
    `  latency p50 ${ms(pct(latencies, 50))}, p95 ${ms(pct(latencies, 95))}, p99 ${ms(pct(latencies, 99))}, max ${ms(latencies[latencies.length - 1])}`,
  );
  console.log(
    `  stored: ${voteRows} vote rows for ${votedIds.size} distinct battles, ${perBattle.n} battles with >1 vote → ${exactlyOnce && ok200 === VOTES ? "every vote stored exactly once" : "MISMATCH"}`,
  );
  console.log(`  target p95 ≤ 50 ms: ${pct(latencies, 95) <= 50 ? "met" : "NOT met"}`);

  // 2. Leaderboard with 1M votes.
  await new Promise((r) => setTimeout(r, 5000)); // let the refresh after the vote burst finish
  await stopServer();
  const seedS = seedBigVotes(BIG);
  const total = BIG + votedIds.size;
  console.log(
    `\nLeaderboard: seeded ${BIG.toLocaleString("en")} voted battles in ${seedS.toFixed(1)} s (${total.toLocaleString("en")} votes in all)`,
  );
  await startServer(port);
  const during: number[] = [];
  const tRefresh = performance.now();
  let ready = false;
  while ((performance.now() - tRefresh) / 1000 < REFRESH_TIMEOUT_S) {
    during.push(await ttfb(`${base}/leaderboard`));
    if (snapshotVotes() >= total) {
      ready = true;
      break;
    }
    await new Promise((r) => setTimeout(r, TTFB_INTERVAL_MS));
  }
  const refreshS = (performance.now() - tRefresh) / 1000;
  during.sort((a, b) => a - b);
  console.log(
    `  while the refresh runs (${during.length} requests over ${refreshS.toFixed(0)} s${ready ? "" : ", refresh NOT finished in time"}): TTFB p50 ${ms(pct(during, 50))}, p95 ${ms(pct(during, 95))}, max ${ms(during[during.length - 1])}`,
  );
  const after: number[] = [];
  for (let i = 0; i < TTFB_N; i++) after.push(await ttfb(`${base}/leaderboard`));
  after.sort((a, b) => a - b);
  console.log(
    `  with the snapshot of all ${total.toLocaleString("en")} votes (${TTFB_N} requests): TTFB p50 ${ms(pct(after, 50))}, p95 ${ms(pct(after, 95))}, max ${ms(after[after.length - 1])}`,
  );
  const filtered: number[] = [];
  for (let i = 0; i < TTFB_N; i++) filtered.push(await ttfb(`${base}/leaderboard?subject=Medicine`));
  filtered.sort((a, b) => a - b);
  console.log(
    `  filtered page (?subject=Medicine; "computing…" first): TTFB p50 ${ms(pct(filtered, 50))}, max ${ms(filtered[filtered.length - 1])}`,
  );
  console.log(
    `  target first byte ≤ 200 ms: ${pct(after, 95) <= 200 ? "met" : "NOT met"} (p95 with the snapshot)`,
  );
  if (ready) {
    const sql2 = new Database(dbFile, { readonly: true });
    const row = sql2
      .prepare("SELECT data FROM RatingsSnapshot WHERE filter = '' ORDER BY createdAt DESC LIMIT 1")
      .get() as { data: string };
    sql2.close();
    const d = JSON.parse(row.data) as { computedIn?: string; computeMs?: number; totalBattles: number };
    console.log(
      `  refresh: ${d.totalBattles.toLocaleString("en")} battles rated in ${((d.computeMs ?? 0) / 1000).toFixed(1)} s (${d.computedIn})`,
    );
  }
}

try {
  await main();
} finally {
  await stopServer();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
