/**
 * The arena's start-up seeding: idempotent, and on PostgreSQL safe when several instances start together (the
 * cluster's case: without the start-up lock, all of them saw no papers, imported the samples and all but one
 * failed on the papers' primary key, leaving those instances never ready).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { testDatabases } from "../retrieval/test-databases";
import { prepareArena, SAMPLE_PAPERS_FILE } from "./startup";

const MODEL_DIR = "models/flexolmo-mini";
const samples = readFileSync(SAMPLE_PAPERS_FILE, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "").length;

for (const [name, make] of testDatabases()) {
  test(`${name}: seeding twice imports the sample papers once`, async () => {
    const d = await make();
    try {
      const first = await prepareArena(d.target, { modelDir: MODEL_DIR });
      assert.equal(first.papersImported, samples);
      assert.ok(first.providersCreated > 0);
      const again = await prepareArena(d.target, { modelDir: MODEL_DIR });
      assert.deepEqual(again, { providersCreated: 0, papersImported: 0 });
      const [{ n }] = await d.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM "Paper"');
      assert.equal(Number(n), samples);
    } finally {
      await d.drop();
    }
  });
}

const pg = testDatabases().find(([name]) => name === "PostgreSQL");
test("PostgreSQL: three instances starting together all finish, and the samples are imported once", {
  skip: pg ? false : "TEST_POSTGRES_URL is not set (the test command sets it when run as root)",
}, async () => {
  const d = await pg![1]();
  try {
    const results = await Promise.all([0, 1, 2].map(() => prepareArena(d.target, { modelDir: MODEL_DIR })));
    assert.equal(
      results.reduce((sum, r) => sum + r.papersImported, 0),
      samples,
      JSON.stringify(results),
    );
    const [{ n }] = await d.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM "Paper"');
    assert.equal(Number(n), samples);
  } finally {
    await d.drop();
  }
});
