/** Agreement figures on worked examples, and calibration votes against a temporary database. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Fixture, makeFixture } from "../export/test-fixtures";
import type { JobStore } from "../jobs";
import { createDataset, parseEvalFile } from "../judges/datasets";
import { AGREEMENT_QUEUE, AGREEMENT_REPORT_KEY, readAgreement, refreshAgreement } from "./cached-report";
import {
  agreementReport,
  castCalibrationVote,
  labelChoice,
  markCalibration,
  nextCalibrationTask,
  publishDataset,
} from "./calibration";
import { cohensKappa, fleissKappa, shareAgreeing } from "./kappa";

const close = (a: number | null, b: number, eps = 1e-4) =>
  assert.ok(a !== null && Math.abs(a - b) < eps, `${a} != ${b}`);

test("Cohen's kappa: a worked 2x2 example", () => {
  // 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15. po = 0.7; pe = 0.5*0.6 + 0.5*0.4 = 0.5.
  const pairs: [string, string][] = [
    ...Array(20).fill(["y", "y"]),
    ...Array(5).fill(["y", "n"]),
    ...Array(10).fill(["n", "y"]),
    ...Array(15).fill(["n", "n"]),
  ];
  close(cohensKappa(pairs), 0.4);
  assert.equal(cohensKappa([]), null);
  assert.equal(cohensKappa([["a", "a"]]), null, "chance agreement 1: undefined");
});

test("Fleiss' kappa: the worked example of Fleiss (1971) as on Wikipedia (10 items, 14 raters, 5 classes)", () => {
  const table = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  const items = table.map((row) => row.flatMap((n, k) => Array(n).fill(String(k)) as string[]));
  close(fleissKappa(items), 0.20993, 1e-4);
  assert.equal(fleissKappa([["a"]]), null);
  assert.equal(shareAgreeing([["a", "a", "b"], ["x"]]), 1 / 3);
});

let fx: Fixture;
before(async () => {
  fx = await makeFixture(6);
});
after(() => fx.close());

test("calibration: others rate, the voter re-rates swapped, the report counts both", async () => {
  const battles = await fx.db.battle.findMany({ orderBy: { createdAt: "asc" }, include: { vote: true } });
  const adaBattle = battles.find((b) => b.userId === fx.users.ada && b.vote?.choice === "a");
  assert.ok(adaBattle);
  await markCalibration(fx.db, adaBattle.id, fx.users.ada);
  // Grace sees Ada's battle in its original order.
  const forGrace = await nextCalibrationTask(fx.db, fx.users.grace, () => 0.99);
  assert.equal(forGrace?.answerA, adaBattle.answerA);
  assert.deepEqual(
    await castCalibrationVote(fx.db, { itemId: forGrace!.itemId, userId: fx.users.grace, choice: "a" }),
    { swapped: false },
  );
  await castCalibrationVote(fx.db, { itemId: forGrace!.itemId, userId: fx.users.alan, choice: "b" });
  // Ada gets her own battle, swapped; she picks "b" there, which is "a" on the original sides.
  const forAda = await nextCalibrationTask(fx.db, fx.users.ada, () => 0);
  assert.equal(forAda?.answerA, adaBattle.answerB);
  assert.deepEqual(
    await castCalibrationVote(fx.db, { itemId: forAda!.itemId, userId: fx.users.ada, choice: "b" }),
    { swapped: true },
  );
  assert.equal(await nextCalibrationTask(fx.db, fx.users.grace), null, "rated already");
  await assert.rejects(
    castCalibrationVote(fx.db, { itemId: forGrace!.itemId, userId: fx.users.grace, choice: "tie" }),
    /already rated/,
  );
  const r = await agreementReport(fx.db);
  assert.equal(r.items, 1);
  assert.equal(r.ratings, 3);
  assert.equal(r.shareAgreeing.value, 1 / 3, "a, a, b: 1 of 3 pairs agree");
  assert.equal(r.shareAgreeing.n, 1);
  assert.equal(r.shareAgreeing.tooFew, true, "one item is too few to read anything into");
  assert.equal(r.cohensKappa.n, 2);
  assert.equal(r.pairsWithOriginal, 2);
  assert.deepEqual(
    r.selfConsistency.map((s) => [s.userId, s.checks, s.consistent]),
    [[fx.users.ada, 1, 1]],
  );
  await assert.rejects(markCalibration(fx.db, "nope", fx.users.ada), /no such battle/);
});

test("a researcher is never offered their own battle unswapped, whatever the random draw", async () => {
  const own = await fx.db.battle.findFirst({ where: { userId: fx.users.alan, vote: { isNot: null } } });
  assert.ok(own);
  await markCalibration(fx.db, own.id, fx.users.ada);
  const item = await fx.db.calibrationItem.findUniqueOrThrow({ where: { battleId: own.id } });
  for (const r of [0, 0.5, 0.99]) {
    const t = await nextCalibrationTask(fx.db, fx.users.alan, () => r);
    if (t?.itemId === item.id) assert.equal(t.answerA, own.answerB, "own battle only swapped");
  }
  // Alan's vote on his own item is stored swapped even if he posts it without being offered it.
  assert.deepEqual(
    await castCalibrationVote(fx.db, { itemId: item.id, userId: fx.users.alan, choice: "a" }),
    {
      swapped: true,
    },
  );
  await markCalibration(fx.db, own.id, fx.users.ada, false);
});

test("a published dataset's pairs are voted on and compared with the file's labels", async () => {
  const line = (id: string, vote: string) =>
    JSON.stringify({
      id,
      question: `Dataset question ${id}`,
      responseA: `Answer A of ${id} [1]`,
      responseB: `Answer B of ${id}`,
      modelA: "secret-model-a",
      modelB: "secret-model-b",
      vote,
      citation_a: [{ concise_authors: "Robertson 1994", content: "BM25 ranks by idf." }],
      citation_b: [],
    });
  const ds = await createDataset(fx.db, {
    name: "imported eval",
    source: "import",
    origin: {},
    items: parseEvalFile([line("d1", "A"), line("d2", "B")].join("\n")),
  });
  await assert.rejects(publishDataset(fx.db, "nope", fx.users.ada), /no such dataset/);
  assert.deepEqual(await publishDataset(fx.db, ds.id, fx.users.ada), { items: 2 });
  assert.deepEqual(await publishDataset(fx.db, ds.id, fx.users.ada), { items: 2 }, "idempotent");
  assert.equal(await fx.db.calibrationItem.count({ where: { datasetId: ds.id } }), 2);

  const seen: string[] = [];
  for (;;) {
    const t = await nextCalibrationTask(fx.db, fx.users.grace, () => 0.99);
    if (!t) break;
    assert.ok(!JSON.stringify(t).includes("secret-model"), "no model names before the vote");
    if (t.source === "dataset") {
      seen.push(t.question);
      assert.equal(t.answerA, `Answer A of ${t.question.slice(-2)} [1]`, "shown as in the file");
      if (t.question.endsWith("d1")) assert.equal(t.citationsA[0].concise_authors, "Robertson 1994");
    }
    // d1 agrees with the label (A), d2 disagrees (label B, vote A).
    await castCalibrationVote(fx.db, { itemId: t.itemId, userId: fx.users.grace, choice: "a" });
  }
  assert.deepEqual(seen.sort(), ["Dataset question d1", "Dataset question d2"]);
  const r = await agreementReport(fx.db);
  const d = r.datasets.find((x) => x.datasetId === ds.id);
  assert.deepEqual(d && { items: d.items, rated: d.ratedItems, votes: d.votes, agreeing: d.agreeing }, {
    items: 2,
    rated: 2,
    votes: 2,
    agreeing: 1,
  });
  await publishDataset(fx.db, ds.id, fx.users.ada, false);
  assert.equal(await fx.db.calibrationItem.count({ where: { datasetId: ds.id, active: true } }), 0);
  assert.equal(labelChoice("Both-Bad"), "bothbad");
  assert.equal(labelChoice("A"), "a");
});

test("the page's report is computed once per change of the calibration data, in a job, and served stale until then", async () => {
  const sent: string[] = [];
  const store = {
    send: async (name: string) => {
      sent.push(name);
      return "job";
    },
  } as unknown as JobStore;
  await fx.db.setting.deleteMany({ where: { key: AGREEMENT_REPORT_KEY } });
  // Nothing computed yet: no report, and a refresh is queued (the page never computes).
  const first = await readAgreement(fx.db, store);
  assert.deepEqual([first.report, first.stale, sent], [null, true, [AGREEMENT_QUEUE]]);
  // The job computes and stores it; the page now reads it as it is, queueing nothing.
  const stored = await refreshAgreement(fx.db);
  const fresh = await readAgreement(fx.db, store);
  assert.equal(fresh.stale, false);
  assert.deepEqual(fresh.report, stored.report);
  assert.deepEqual(fresh.report, await agreementReport(fx.db), "the same figures as computed in the request");
  assert.equal(sent.length, 1);
  // A calibration vote changes the data: the stored report is served, marked stale, and a refresh queued.
  const marked = await fx.db.calibrationItem.findMany({ select: { battleId: true } });
  const battle = await fx.db.battle.findFirst({
    where: { vote: { isNot: null }, id: { notIn: marked.flatMap((m) => (m.battleId ? [m.battleId] : [])) } },
    select: { id: true },
  });
  assert.ok(battle);
  await markCalibration(fx.db, battle.id, fx.users.ada);
  const afterMark = await readAgreement(fx.db, store);
  assert.deepEqual([afterMark.stale, afterMark.report?.items], [true, stored.report.items]);
  assert.equal(sent.length, 2);
  const again = await refreshAgreement(fx.db);
  assert.equal(again.report.items, stored.report.items + 1);
  assert.equal((await readAgreement(fx.db, store)).stale, false);
});
