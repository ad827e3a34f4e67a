import assert from "node:assert/strict";
import { test } from "node:test";
import { toBattleTable } from "../ranking";
import type { RatingsJob } from "../ranking/ratings-job";
import { simulateBattles } from "../ranking/test-helpers";
import { resolveRatingsWorker, runRatingsJobOffThread } from "./ratings-runner";

function job(): RatingsJob {
  const battles = simulateBattles([0, 0.3, 0.6, 0.9], 4000, 5, 0.1);
  const table = toBattleTable(battles);
  const voter = new Int32Array(table.length).map((_, i) => i % 40);
  return {
    table,
    voter,
    leaderboard: { bootstrapRounds: 20, seed: 0 },
    anomaly: { minVotes: 20, alpha: 0.001 },
  };
}

test("a worker thread computes the same leaderboard as in-process", async () => {
  assert.ok(resolveRatingsWorker(), "the .ts worker entry is found under tsx");
  const inWorker = await runRatingsJobOffThread(job());
  assert.equal(inWorker.mode, "worker");
  process.env.RATINGS_WORKER = "off";
  try {
    assert.equal(resolveRatingsWorker(), null);
    const local = await runRatingsJobOffThread(job());
    assert.equal(local.mode, "in-process");
    assert.deepEqual(inWorker.result, local.result);
  } finally {
    delete process.env.RATINGS_WORKER;
  }
  assert.equal(inWorker.result.board.rows.length, 4);
  assert.equal(inWorker.result.anomalies?.length, 40);
  assert.equal(inWorker.result.anomalies?.filter((a) => a.flagged).length, 0);
});

test("a missing bundled worker file means in-process", async () => {
  process.env.FM_WORKER_DIR = "/nonexistent-dir";
  try {
    assert.equal(resolveRatingsWorker(), null);
    assert.equal((await runRatingsJobOffThread(job())).mode, "in-process");
  } finally {
    delete process.env.FM_WORKER_DIR;
  }
});
