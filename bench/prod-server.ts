/**
 * What the benches that drive the production server over HTTP share (bench/arena.ts, bench/abuse.ts): the server
 * (`dist/server/index.cjs`) on a free loopback port and a throwaway data folder, started in its own process
 * group so stopping it hits nothing else; researchers, models and answered battles written straight into its
 * SQLite database; their session cookies; latency percentiles.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { encode } from "next-auth/jwt";

/** A throwaway data folder for the server, made this process's DATA_DIR too (SQLite: DATABASE_URL unset). */
export function benchDataDir(prefix: string): { dir: string; dbFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  process.env.DATA_DIR = dir;
  delete process.env.DATABASE_URL;
  return { dir, dbFile: path.join(dir, "app.db") };
}

/** A port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Builds the engine's worker bundles (scripts/build-engine.ts) that the server runs. */
export function buildEngine(): void {
  execFileSync(
    process.execPath,
    [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/build-engine.ts"],
    { stdio: "ignore" },
  );
}

/** The p-th percentile (nearest rank) of ascending numbers; NaN for none. */
export const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
export const ms = (x: number) => `${x.toFixed(1)} ms`;

/** DateTime as Prisma's SQLite adapter stores it (ISO text), so comparisons with app-written rows hold. */
export const iso = (t: number) => new Date(t).toISOString().replace("Z", "+00:00");

/** Inserts of what a vote needs, for a migrated SQLite database; run them in a transaction. */
export function arenaInserts(sql: Database.Database) {
  const now = iso(Date.now());
  const user = sql.prepare(
    "INSERT INTO User (id, email, role, banned, trusted, votesExcluded, createdAt, updatedAt) VALUES (?, ?, 'researcher', 0, 0, 0, ?, ?)",
  );
  const model = sql.prepare(
    "INSERT INTO ModelProvider (id, name, kind, timeoutMs, enabled, weight, builtin, createdAt, updatedAt) VALUES (?, ?, 'openai', 60000, 1, 1, 0, ?, ?)",
  );
  const battle = sql.prepare(
    "INSERT INTO Battle (id, userId, question, passages, modelAId, modelBId, answerA, answerB, status, flagged, subject, createdAt, answeredAt) VALUES (?, ?, ?, '[]', ?, ?, ?, ?, 'answered', 0, 'Other', ?, ?)",
  );
  return {
    /** Researcher `u${u}` with email `u${u}@${domain}`. */
    user: (u: number, domain: string) => user.run(`u${u}`, `u${u}@${domain}`, now, now),
    /** An enabled OpenAI-compatible model `m${m}` named `name`. */
    model: (m: number, name: string) => model.run(`m${m}`, name, now, now),
    /** An answered battle of researcher u between models a and b, waiting for a vote. */
    battle: (id: string, u: number, question: string, a: number, b: number) =>
      battle.run(id, `u${u}`, question, `m${a}`, `m${b}`, "A [1].", "B [2].", now, now),
    /** Lifts the daily vote cap, so the bench's researchers are never capped. */
    uncapVotes: () =>
      sql
        .prepare("INSERT INTO Setting (key, value, updatedAt) VALUES ('arena.dailyVoteCap', '1000000', ?)")
        .run(now),
  };
}

/** Session cookies of researchers u0..u(n-1) (JWTs signed with the server's secret). */
export async function sessionCookies(n: number, secret: string, domain: string): Promise<string[]> {
  const cookies: string[] = [];
  for (let u = 0; u < n; u++) {
    const jwt = await encode({
      token: { sub: `u${u}`, uid: `u${u}`, role: "researcher", email: `u${u}@${domain}` },
      secret,
    });
    cookies.push(`next-auth.session-token=${jwt}`);
  }
  return cookies;
}

export interface ProdServerOptions {
  port: number;
  dataDir: string;
  secret: string;
  /** Extra environment (throttle limits, TRUST_PROXY, ...). */
  env?: Record<string, string>;
  /** Node flags before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Starts the server and resolves once /api/health answers (at most 90 s); rejects with its last stderr. */
export async function startProdServer(o: ProdServerOptions): Promise<ChildProcess> {
  const server = spawn(
    process.execPath,
    [
      ...(o.nodeArgs ?? []),
      path.join("dist", "server", "index.cjs"),
      "-p",
      String(o.port),
      "-H",
      "127.0.0.1",
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATA_DIR: o.dataDir,
        NEXTAUTH_SECRET: o.secret,
        NEXTAUTH_URL: `http://127.0.0.1:${o.port}`,
        INDEX_DIR: process.env.INDEX_DIR ?? path.resolve("data/index/flexmix-mini"),
        NEXT_TELEMETRY_DISABLED: "1",
        ...o.env,
      },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    },
  );
  let stderr = "";
  server.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const r = await fetch(`http://127.0.0.1:${o.port}/api/health`, { signal: AbortSignal.timeout(5000) });
      if (r.ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy in 90 s: ${stderr}`);
}

/**
 * Stops a server from startProdServer and waits for it to exit (at most 10 s). SIGKILL by default: a
 * throwaway server needs no graceful shutdown (that would wait for idle keep-alive connections).
 */
export async function stopProdServer(
  s: ChildProcess | null,
  signal: NodeJS.Signals = "SIGKILL",
): Promise<void> {
  if (!s || s.exitCode !== null || s.signalCode !== null || !s.pid) return;
  const exited = new Promise((r) => s.once("exit", r));
  try {
    process.kill(-s.pid, signal); // its own process group (detached): nothing else is hit
  } catch {}
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}
