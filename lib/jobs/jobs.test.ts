/**
 * The leased-job stores, each on its own database: SQLite always, PostgreSQL (pg-boss) when
 * TEST_POSTGRES_URL names a server. Two store instances on one database stand for two processes (on SQLite
 * each has its own connection to the file, as a second process would): a job runs once across both, a dead
 * runner's job is taken over after its lease, a late runner can neither renew nor complete it, shutdown
 * hands long jobs back at once, and sends deduplicate by key, id and time slot.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import pg from "pg";
import { PgBossJobStore } from "./pg-boss-store";
import type { LeasedJobStore } from "./runner";
import { SqliteJobStore } from "./sqlite-store";

process.env.LOG_LEVEL ??= "silent";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function suite(kind: string, open: () => Promise<() => LeasedJobStore>, opts: { takeoverMs: number }) {
  describe(kind, () => {
    let make: () => LeasedJobStore;
    const stores: LeasedJobStore[] = [];
    const store = () => {
      const s = make();
      stores.push(s);
      return s;
    };
    after(async () => {
      await Promise.all(stores.map((s) => s.stop(0)));
    });

    test("every job runs exactly once across two processes", async () => {
      make = await open();
      const [a, b] = [store(), store()];
      const runs = new Map<number, string[]>();
      let started = 0;
      const handler =
        (who: string) =>
        async ({ data }: { data: { n: number } }) => {
          runs.set(data.n, [...(runs.get(data.n) ?? []), who]);
          // The first jobs wait (up to 10 s) until four are running: one process holds at most two (its
          // concurrency), so the other must fetch too, however late its first poll comes on a busy machine.
          if (++started <= 4) await until("four jobs running", () => started >= 4, 10_000).catch(() => {});
          await sleep(20);
        };
      await a.work("once", handler("a"), { concurrency: 2 });
      await b.work("once", handler("b"), { concurrency: 2 });
      for (let n = 0; n < 24; n++) await (n % 2 ? a : b).send("once", { n });
      await until("24 jobs", () => runs.size === 24);
      await sleep(1500);
      for (const [n, who] of runs) assert.equal(who.length, 1, `job ${n} ran ${who.length} times`);
      const ran = [...runs.values()].flat();
      assert.ok(ran.includes("a") && ran.includes("b"), "both processes took jobs");
    });

    test("a dead runner's job is taken over after its lease; the late runner cannot renew or complete it", async () => {
      const [dead, alive] = [store(), store()];
      await dead.send("takeover", { x: 1 }, { id: "run-1" });
      // The "dead" process fetched the job and then stopped answering: no renewals.
      await dead.ensureQueue("takeover", { leaseSeconds: 1, retryLimit: 5 });
      const lease = await dead.fetch<{ x: number }>("takeover", 1, 5);
      assert.ok(lease);
      const died = Date.now();
      let took = 0;
      let attempt = 0;
      let release!: () => void;
      const hold = new Promise<void>((r) => {
        release = r;
      });
      await alive.work<{ x: number }>(
        "takeover",
        async (job) => {
          took = Date.now() - died;
          attempt = job.attempt;
          await hold;
        },
        { leaseSeconds: 1 },
      );
      await until("the takeover", () => took > 0, opts.takeoverMs + 5000);
      assert.ok(took >= 900, `taken over after the lease expired (${took} ms)`);
      assert.ok(took <= opts.takeoverMs, `taken over within ${opts.takeoverMs} ms (${took} ms)`);
      assert.equal(attempt, 2);
      assert.equal(await dead.renew("takeover", lease, 1), false, "the late runner's renewal fails");
      await dead.finish("takeover", lease);
      assert.equal(await alive.state("takeover", "run-1"), "active", "its completion changed nothing");
      await sleep(1500); // several heartbeats of the live runner keep its lease
      assert.equal(await alive.state("takeover", "run-1"), "active");
      release();
      await until("completion", async () => (await alive.state("takeover", "run-1")) === "completed");
    });

    test("shutdown hands a long job back at once, aborting its handler; another process carries on", async () => {
      const [first, second] = [store(), store()];
      let abortedWith = "";
      let running = false;
      await first.work(
        "long",
        async ({ signal }) => {
          running = true;
          await new Promise<void>((resolve) =>
            signal.addEventListener("abort", () => {
              abortedWith = (signal.reason as Error).name;
              resolve();
            }),
          );
        },
        { releaseOnStop: true, leaseSeconds: 30 },
      );
      await first.send("long", {}, { id: "long-1" });
      await until("the first runner", () => running);
      const t0 = Date.now();
      await first.stop(10_000);
      assert.equal(abortedWith, "JobsStopping");
      let attempt = 0;
      await second.work("long", async (job) => {
        attempt = job.attempt;
      });
      await until("the second runner", () => attempt > 0);
      assert.equal(attempt, 2);
      assert.ok(Date.now() - t0 < 5000, "taken at once, not after the 30 s lease");
      await until("completion", async () => (await second.state("long", "long-1")) === "completed");
    });

    test("sends deduplicate: one queued job per key, one job per id, one per time slot", async () => {
      const s = store();
      assert.ok(await s.send("dedupe", { a: 1 }, { key: "all", startAfterMs: 60_000 }));
      assert.equal(await s.send("dedupe", { a: 2 }, { key: "all" }), null);
      assert.ok(await s.send("dedupe", { a: 3 }, { key: "other" }));
      assert.ok(await s.send("dedupe", { a: 4 }), "no key: never deduplicated");
      assert.ok(await s.send("dedupe", { a: 5 }));
      assert.ok(await s.send("dedupe-id", {}, { id: "x" }));
      assert.equal(await s.send("dedupe-id", {}, { id: "x" }), null);
      assert.equal(await s.state("dedupe-id", "x"), "queued");
      assert.equal(await s.state("dedupe-id", "y"), "missing");
      // Slots of an hour: the second send in the same hour (unless the hour turns between them) is refused.
      const first = await s.sendOncePer("slot", 3600);
      const second = await s.sendOncePer("slot", 3600);
      assert.ok(first);
      assert.equal(second, null);
    });

    test("a handler's error fails its job (not retried); the queue goes on", async () => {
      const s = store();
      const seen: number[] = [];
      await s.work<{ n: number }>("errors", async ({ data }) => {
        seen.push(data.n);
        if (data.n === 1) throw new Error("boom");
      });
      await s.send("errors", { n: 1 }, { id: "e1" });
      await s.send("errors", { n: 2 }, { id: "e2" });
      await until("both", async () => (await s.state("errors", "e2")) === "completed");
      assert.equal(await s.state("errors", "e1"), "failed");
      await sleep(1200);
      assert.deepEqual(seen.sort(), [1, 2]);
    });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), "lmr-jobs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
suite(
  "SQLite",
  async () => {
    const file = path.join(dir, "jobs.db");
    return () => SqliteJobStore.open(file);
  },
  { takeoverMs: 2500 },
);

const pgUrl = process.env.TEST_POSTGRES_URL;
if (pgUrl) {
  const dbName = `lmr_jobs_${process.pid}_${Date.now()}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  after(async () => {
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });
  suite(
    "PostgreSQL (pg-boss)",
    async () => {
      await admin(`CREATE DATABASE ${dbName}`);
      const u = new URL(pgUrl);
      u.pathname = `/${dbName}`;
      return () => new PgBossJobStore(u.toString());
    },
    // The lease, then pg-boss's maintenance (every 5 s, one instance) and one poll.
    { takeoverMs: 8000 },
  );
} else {
  test("PostgreSQL (pg-boss)", {
    skip: "TEST_POSTGRES_URL is not set (the test command sets it when run as root)",
  }, () => {});
}
