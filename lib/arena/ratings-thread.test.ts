import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { applyMigrations } from "../db/migrate";
import { type DatabaseTarget, databaseTarget } from "../db/target";
import { simulateBattles } from "../ranking/test-helpers";
import { computeRatingsOffThread, type RatingsRequest, resolveRatingsWorker } from "./ratings-thread";

const dir = mkdtempSync(path.join(tmpdir(), "ratings-thread-"));
let target: DatabaseTarget;

/** 4,000 simulated battles over 4 models, 40 voters, voted over the last days, one voter excluded. */
before(async () => {
  target = databaseTarget(`file:${path.join(dir, "app.db")}`);
  await applyMigrations(target);
  if (target.provider !== "sqlite") throw new Error("unreachable");
  const db = new Database(target.file);
  const now = Date.now();
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}+00:00`;
  const choice = { model_a: "a", model_b: "b", tie: "tie", "tie (bothbad)": "bothbad" } as const;
  db.transaction(() => {
    for (let u = 0; u < 40; u++)
      db.prepare(
        `INSERT INTO "User" ("id","email","role","banned","trusted","votesExcluded","createdAt","updatedAt") VALUES (?,?,'researcher',0,0,?,?,?)`,
      ).run(`u${u}`, `u${u}@example.org`, u === 39 ? 1 : 0, iso(now), iso(now));
    const battles = simulateBattles([0, 0.3, 0.6, 0.9], 4000, 5, 0.1);
    const models = [...new Set(battles.flatMap((b) => [b.modelA, b.modelB]))];
    for (const m of models)
      db.prepare(
        `INSERT INTO "ModelProvider" ("id","name","kind","timeoutMs","enabled","weight","builtin","createdAt","updatedAt") VALUES (?,?,'openai',1000,1,1,0,?,?)`,
      ).run(m, m, iso(now), iso(now));
    battles.forEach((b, i) => {
      const when = iso(now - (4000 - i) * 60_000);
      db.prepare(
        `INSERT INTO "Battle" ("id","userId","question","passages","modelAId","modelBId","answerA","answerB","status","flagged","createdAt") VALUES (?,?,?,?,?,?,?,?,'voted',?,?)`,
      ).run(
        `b${i}`,
        `u${i % 40}`,
        "q",
        "[]",
        b.modelA,
        b.modelB,
        "## A\n- one [1]",
        "**B** [2]",
        i % 100 === 0 ? 1 : 0,
        when,
      );
      db.prepare(`INSERT INTO "Vote" ("id","battleId","userId","choice","createdAt") VALUES (?,?,?,?,?)`).run(
        `v${String(i).padStart(5, "0")}`,
        `b${i}`,
        `u${i % 40}`,
        choice[b.winner],
        when,
      );
    });
  })();
  db.close();
});

after(() => rmSync(dir, { recursive: true, force: true }));

const job = (): RatingsRequest => ({
  target,
  filter: {},
  leaderboard: { bootstrapRounds: 20, seed: 0 },
  anomaly: { minVotes: 20, alpha: 0.001 },
});

test("a worker thread reads the votes and computes the same leaderboard as in-process", async () => {
  assert.ok(resolveRatingsWorker(), "the .ts worker entry is found under tsx");
  const inWorker = await computeRatingsOffThread(job());
  assert.equal(inWorker.mode, "worker");
  process.env.RATINGS_WORKER = "off";
  try {
    assert.equal(resolveRatingsWorker(), null);
    const local = await computeRatingsOffThread(job());
    assert.equal(local.mode, "in-process");
    assert.deepEqual(inWorker.result, local.result);
  } finally {
    delete process.env.RATINGS_WORKER;
  }
  const r = inWorker.result;
  assert.equal(r.board.rows.length, 4);
  assert.equal(r.votes, 4000);
  // Left out: the 40 flagged battles (every 100th) and the excluded voter's 100 votes (odd battles: no overlap).
  assert.equal(r.excluded, 40 + 100);
  assert.equal(r.board.totalBattles, 4000 - r.excluded);
  assert.equal(r.anomalies?.length, 40, "the excluded voter is still checked");
  assert.equal(r.anomalies?.filter((a) => a.flagged).length, 0);
  assert.ok(
    r.board.rows.every((row) => row.styleBt !== undefined),
    "style features were read",
  );
});

test("a missing bundled worker file means in-process", async () => {
  process.env.FM_WORKER_DIR = "/nonexistent-dir";
  try {
    assert.equal(resolveRatingsWorker(), null);
    assert.equal((await computeRatingsOffThread({ ...job(), anomaly: undefined })).mode, "in-process");
  } finally {
    delete process.env.FM_WORKER_DIR;
  }
});
