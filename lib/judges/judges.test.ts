/**
 * Judge evaluation: verdict parsing, the accuracy / position-consistency figures on a worked example, the
 * extractive judge rule, dataset files (line-numbered errors), and runs against a temporary database
 * (background queue to completion, resume after a "restart", cancel, a failing judge).
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { DEFAULT_FILTERS, exportRecords } from "../export/query";
import { type Fixture, makeFixture } from "../export/test-fixtures";
import { SqliteJobStore } from "../jobs/sqlite-store";
import { createDataset, DatasetImportError, datasetFromRecords, parseEvalFile } from "./datasets";
import { extractiveJudge } from "./extractive-judge";
import { summarize } from "./metrics";
import { parseVerdict } from "./parse";
import { DEFAULT_JUDGE_PROMPT, judgePromptSchema, renderJudgePrompt } from "./prompt";
import {
  cancelJudgeRun,
  createJudgeRun,
  enqueueJudgeRun,
  type JudgeFn,
  judgeRunHandler,
  processJudgeRun,
  reconcileJudgeRuns,
  runSummary,
} from "./runs";
import { listJudgeRuns } from "./views";

let fx: Fixture;
process.env.LOG_LEVEL ??= "silent";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function runStatus(id: string, want: string, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const row = await fx.db.judgeRun.findUniqueOrThrow({ where: { id } });
    if (row.status === want || Date.now() > end) return row;
    await sleep(25);
  }
}
/** A job store on the fixture's database file, as a second process would open it. */
const stores: SqliteJobStore[] = [];
function store() {
  const s = SqliteJobStore.open(`${fx.dir}/app.db`);
  stores.push(s);
  return s;
}
after(() => Promise.all(stores.map((s) => s.stop(0))));
const voter = (id: string) => createHmac("sha256", "t").update(id).digest("hex").slice(0, 24);

before(async () => {
  fx = await makeFixture(12);
});
after(() => fx.close());

test("verdicts: explicit forms first, then the first A/B token, skipping the article", () => {
  assert.equal(parseVerdict("A"), "A");
  assert.equal(parseVerdict(" b "), null, "lowercase b alone is not a verdict token");
  assert.equal(parseVerdict("B."), "B");
  assert.equal(parseVerdict("[[B]]"), "B");
  assert.equal(parseVerdict("Answer: B"), "B");
  assert.equal(parseVerdict("The better answer is **A**"), "A");
  assert.equal(parseVerdict("A better answer would cite more. Verdict: B"), "B");
  assert.equal(parseVerdict("A better answer would cite more; overall B"), "B");
  assert.equal(parseVerdict("A is better."), "A");
  assert.equal(parseVerdict("<think>A or B? maybe A</think> B"), "B");
  assert.equal(parseVerdict("Both are fine."), null);
  assert.equal(parseVerdict(""), null);
});

test("accuracy and position consistency on a worked example", () => {
  // 6 items: 2 skipped (tie, bothbad). Of the 4 decisive: original verdicts agree, disagree, agree,
  // unparseable -> accuracy 2/3; swapped verdicts A,B,B,A vs originals A,A,B,null -> both parsed on 3,
  // consistent on 2 -> 2/3; unparseable replies: 1.
  const s = summarize([
    { vote: "A", original: "A", swapped: "A", subject: "CS", questionType: "Q1" },
    { vote: "B", original: "A", swapped: "B", subject: "CS", questionType: "Q2" },
    { vote: "B", original: "B", swapped: "B", subject: "Med", questionType: "Q1" },
    { vote: "A", original: null, swapped: "A", subject: "Med", questionType: "Q1" },
    { vote: "tie", original: "A", swapped: "A", subject: "CS", questionType: "Q1" },
    { vote: "bothbad", original: "B", swapped: "A", subject: "CS", questionType: "Q1" },
  ]);
  assert.equal(s.pairs, 4);
  assert.equal(s.agreements, 2);
  assert.equal(s.disagreements, 1);
  assert.equal(s.unparseable, 1);
  assert.equal(s.accuracy, 2 / 3);
  assert.equal(s.swappedAccuracy, 1);
  assert.equal(s.bothParsed, 3);
  assert.equal(s.consistent, 2);
  assert.equal(s.positionConsistency, 2 / 3);
  assert.equal(s.unparseableReplies, 1);
  assert.deepEqual(s.bySubject.CS, { agreements: 1, disagreements: 1, unparseable: 0, accuracy: 0.5 });
  assert.deepEqual(s.bySubject.Med, { agreements: 1, disagreements: 0, unparseable: 1, accuracy: 1 });
  assert.equal(s.byQuestionType.Q1.accuracy, 1);
  assert.equal(summarize([]).accuracy, null);
});

test("the prompt template: placeholders filled once, answers swapped, required placeholders checked", () => {
  const item = {
    question: "Q?",
    responseA: "first {responseB}",
    responseB: "second",
    citationA: [{ concise_authors: "Doe 2020", content: "c" }],
    citationB: [],
  };
  const p = renderJudgePrompt("{question}|{responseA}|{responseB}|{citationsA}|{citationsB}", item, false);
  assert.equal(p, "Q?|first {responseB}|second|[1] Doe 2020: c|(none)");
  assert.equal(renderJudgePrompt("{responseA}|{responseB}", item, true), "second|first {responseB}");
  assert.ok(judgePromptSchema.safeParse(DEFAULT_JUDGE_PROMPT).success);
  assert.ok(!judgePromptSchema.safeParse("Which is better, {responseA}?").success);
});

test("the extractive judge prefers the answer sharing more terms with question and cited passages", () => {
  const item = {
    question: "How does BM25 rank documents?",
    responseA: "Cats are mammals.",
    responseB: "BM25 ranks documents by term frequency and inverse document frequency [1].",
    citationA: [],
    citationB: [{ concise_authors: "Robertson 1994", content: "BM25 ranks documents by term frequency." }],
  };
  assert.equal(extractiveJudge(item, false), "B");
  assert.equal(extractiveJudge(item, true), "A", "the same answer, shown first");
  assert.equal(
    extractiveJudge({ ...item, responseB: "Dogs too." }, false),
    "A",
    "a tie goes to the first shown",
  );
});

test("dataset files: JSON array and JSONL, vote labels normalised, errors with line numbers", () => {
  const rec = (id: string, vote: string) => ({
    id,
    question: "Q?",
    responseA: "a",
    responseB: "b",
    modelA: "m1",
    modelB: "m2",
    vote,
    citation_a: [{ concise_authors: "Doe 2020", content: "c" }],
    citation_b: "[]",
  });
  const jsonl = [rec("1", "A"), rec("2", "b"), rec("3", "Both bad"), rec("4", "Tie")]
    .map((r) => JSON.stringify(r))
    .join("\n");
  const items = parseEvalFile(`${jsonl}\n\n`);
  assert.deepEqual(
    items.map((i) => i.vote),
    ["A", "B", "bothbad", "tie"],
  );
  assert.equal(items[0].citationA, JSON.stringify([{ concise_authors: "Doe 2020", content: "c" }]));
  const array = JSON.stringify([rec("1", "A"), rec("2", "B")], null, 2);
  assert.equal(parseEvalFile(array).length, 2);
  const errorsOf = (text: string) => {
    try {
      parseEvalFile(text);
    } catch (e) {
      assert.ok(e instanceof DatasetImportError);
      return e.errors;
    }
    assert.fail("expected an import error");
  };
  assert.deepEqual(
    errorsOf(`${JSON.stringify(rec("1", "A"))}\n{oops\n${JSON.stringify(rec("3", "maybe"))}`),
    ["line 2: not valid JSON", 'line 3: vote "maybe" is not A, B, tie or bothbad'],
  );
  const { question: _q, ...noQuestion } = rec("9", "A");
  assert.deepEqual(errorsOf(JSON.stringify([rec("1", "A"), noQuestion], null, 2)), [
    "line 18: question is missing",
  ]);
  assert.deepEqual(errorsOf(`${JSON.stringify(rec("1", "A"))}\n${JSON.stringify(rec("1", "B"))}`), [
    'line 2: id "1" repeats the record on line 1',
  ]);
  assert.match(errorsOf("[1, 2,")[0], /not valid JSON/);
  assert.deepEqual(errorsOf("\n\n"), ["the file holds no records"]);
});

async function sliceDataset() {
  const all = { ...DEFAULT_FILTERS, includeFlagged: true, includeExcludedVoters: true };
  return datasetFromRecords(fx.db, { name: "slice", filters: all, pages: exportRecords(fx.db, all, voter) });
}

/** A run of the judge named `judgeName` (a seeded provider) over dataset `datasetId`, with the default prompt. */
async function newRun(datasetId: string, judgeName = "remote-llm") {
  const judge = await fx.db.modelProvider.findUniqueOrThrow({ where: { name: judgeName } });
  return createJudgeRun(fx.db, { datasetId, judgeId: judge.id, prompt: DEFAULT_JUDGE_PROMPT });
}

test("an export slice becomes a dataset; a run with the extractive judge completes in the background", async () => {
  const ds = await sliceDataset();
  assert.equal(ds.itemCount, 12);
  const run = await newRun(ds.id, "extractive-baseline");
  const row = await fx.db.judgeRun.findUniqueOrThrow({ where: { id: run.id } });
  assert.equal(row.total, 8, "12 votes, 4 of them tie or both-bad");
  const jobs = store();
  await jobs.work(
    "judge-run",
    judgeRunHandler(
      fx.db,
      async () =>
        async ({ item, swapped }) =>
          extractiveJudge(item, swapped),
    ),
  );
  await enqueueJudgeRun(jobs, run.id);
  await enqueueJudgeRun(jobs, run.id); // queued once
  const done = await runStatus(run.id, "done");
  assert.equal(done.status, "done");
  assert.equal(done.done, 8);
  const summary = JSON.parse(done.summary ?? "{}");
  assert.equal(summary.pairs, 8);
  assert.equal(summary.agreements + summary.disagreements, 8);
  assert.equal(summary.unparseableReplies, 0);
  // Fixture answers: A always cites BM25 passages that match "How does BM25 rank" questions.
  assert.ok(summary.accuracy >= 0 && summary.accuracy <= 1);
  assert.ok(Object.keys(summary.bySubject).length >= 2);
});

test("a run whose runner died is taken over after its lease, judging no item twice", async () => {
  const ds = await sliceDataset();
  const run = await newRun(ds.id);
  // The first process takes the job, judges 3 pairs, then hangs on the 4th and never renews its lease
  // (as if it died there).
  const dead = store();
  await enqueueJudgeRun(dead, run.id);
  await dead.ensureQueue("judge-run", { leaseSeconds: 1, retryLimit: 5 });
  const lease = await dead.fetch<{ runId: string }>("judge-run", 1, 5);
  assert.equal(lease?.data.runId, run.id);
  let calls = 0;
  const hang: JudgeFn = async ({ swapped }) => {
    calls++;
    if (calls > 6) return new Promise<string>(() => {});
    return swapped ? "I prefer B" : "Verdict: A";
  };
  const gone = new AbortController();
  void processJudgeRun(fx.db, run.id, hang, gone.signal);
  while ((await fx.db.judgeVerdict.count({ where: { runId: run.id } })) < 3) await sleep(10);
  const mid = await fx.db.judgeRun.findUniqueOrThrow({ where: { id: run.id } });
  assert.equal(mid.status, "running");
  assert.equal(mid.done, 3);
  // Another process takes the job over once the lease expires, with a healthy judge.
  let resumedCalls = 0;
  const alive = store();
  await alive.work(
    "judge-run",
    judgeRunHandler(fx.db, async () => async ({ swapped }) => {
      resumedCalls++;
      return swapped ? "B" : "A";
    }),
    { leaseSeconds: 1 },
  );
  const done = await runStatus(run.id, "done");
  gone.abort();
  assert.equal(done.status, "done");
  assert.equal(done.done, 8);
  assert.equal(resumedCalls, 10, "only the 5 pairs not yet judged, twice each");
  assert.equal(await fx.db.judgeVerdict.count({ where: { runId: run.id } }), 8, "one verdict per pair");
  const s = await runSummary(fx.db, run.id);
  assert.equal(s.positionConsistency, 1, "'A' then 'B' on the swapped order is the same answer");
});

test("cancel aborts the judge call in flight; a cancelled run is not started", async () => {
  const ds = await sliceDataset();
  const run = await newRun(ds.id);
  let inFlight = false;
  let abortedAfter = -1;
  let cancelledAt = 0;
  // A judge that answers only when its call is aborted (a slow model).
  const slow: JudgeFn = ({ signal }) =>
    new Promise((_resolve, reject) => {
      inFlight = true;
      signal.addEventListener("abort", () => {
        abortedAfter = Date.now() - cancelledAt;
        reject(new Error("aborted"));
      });
    });
  const outcome = processJudgeRun(fx.db, run.id, slow);
  while (!inFlight) await sleep(10);
  cancelledAt = Date.now();
  assert.equal(await cancelJudgeRun(fx.db, run.id), true);
  assert.equal(await outcome, "cancelled");
  assert.ok(abortedAfter >= 0 && abortedAfter < 2500, `the call was aborted ${abortedAfter} ms after cancel`);
  assert.equal(await fx.db.judgeVerdict.count({ where: { runId: run.id } }), 0);
  assert.equal((await fx.db.judgeRun.findUniqueOrThrow({ where: { id: run.id } })).status, "cancelled");

  const run2 = await newRun(ds.id);
  assert.equal(await cancelJudgeRun(fx.db, run2.id), true);
  assert.equal(await processJudgeRun(fx.db, run2.id, async () => "A"), "cancelled");
  assert.equal(await fx.db.judgeVerdict.count({ where: { runId: run2.id } }), 0);
  assert.equal(await cancelJudgeRun(fx.db, run2.id), false, "already cancelled");
});

test("the sweep queues a run that has no job, and fails one whose job ended unfinished", async () => {
  const ds = await sliceDataset();
  const orphan = await newRun(ds.id);
  const ended = await newRun(ds.id);
  const jobs = store();
  await enqueueJudgeRun(jobs, ended.id);
  await jobs.ensureQueue("judge-run", { leaseSeconds: 30, retryLimit: 5 });
  // Take jobs until ours comes (other tests' jobs may be queued), then fail it.
  for (;;) {
    const lease = await jobs.fetch<{ runId: string }>("judge-run", 30, 5);
    assert.ok(lease);
    if (lease.data.runId === ended.id) {
      await jobs.finish("judge-run", lease, "gave up");
      break;
    }
    await jobs.release("judge-run", lease);
  }
  assert.equal(await jobs.state("judge-run", orphan.id), "missing");
  assert.equal(await reconcileJudgeRuns(fx.db, jobs, 60_000), 0, "young runs are left alone");
  assert.equal(await reconcileJudgeRuns(fx.db, jobs, -1000), 2);
  assert.equal(await jobs.state("judge-run", orphan.id), "queued");
  const failed = await fx.db.judgeRun.findUniqueOrThrow({ where: { id: ended.id } });
  assert.equal(failed.status, "failed");
  assert.match(failed.error ?? "", /stopped without finishing/);
  await cancelJudgeRun(fx.db, orphan.id);
});

test("a judge that keeps failing stops the run as failed; unparseable replies are counted", async () => {
  const ds = await createDataset(fx.db, {
    name: "tiny",
    source: "import",
    origin: {},
    items: Array.from({ length: 7 }, (_, i) => ({
      externalId: String(i),
      question: "Q?",
      responseA: "a",
      responseB: "b",
      modelA: "m1",
      modelB: "m2",
      vote: i % 2 ? "A" : "B",
      citationA: "[]",
      citationB: "[]",
      questionType: "",
      subject: "",
      paperBank: "[]",
      tstamp: null,
    })),
  });
  const r1 = await newRun(ds.id);
  assert.equal(
    await processJudgeRun(fx.db, r1.id, async () => {
      throw new Error("connection refused");
    }),
    "failed",
  );
  const failed = await fx.db.judgeRun.findUniqueOrThrow({ where: { id: r1.id } });
  assert.match(failed.error ?? "", /5 pairs in a row; last: connection refused/);
  const r2 = await newRun(ds.id);
  assert.equal(await processJudgeRun(fx.db, r2.id, async () => "I cannot decide."), "done");
  const s = await runSummary(fx.db, r2.id);
  assert.equal(s.unparseableReplies, 14);
  assert.equal(s.accuracy, null);
  // The runs view says why: each reason with its count, an example reply and what the model needs.
  const views = await listJudgeRuns(fx.db);
  const v2 = views.find((r) => r.id === r2.id);
  assert.deepEqual(
    v2?.unparseable.map((g) => [g.reason, g.count, g.example]),
    [["no-letter", 14, "I cannot decide."]],
  );
  assert.match(v2?.unparseable[0].advice ?? "", /\[\[A\]\] or \[\[B\]\]/);
  const v1 = views.find((r) => r.id === r1.id);
  assert.equal(v1?.unparseable[0]?.reason, "error");
  assert.match(v1?.unparseable[0]?.example ?? "", /connection refused/);
  // A tiny byte-level model's replies are named as such.
  const r3 = await newRun(ds.id);
  await processJudgeRun(fx.db, r3.id, async () => "the sa spe in s yet are site o fon he");
  const v3 = (await listJudgeRuns(fx.db)).find((r) => r.id === r3.id);
  assert.equal(v3?.unparseable[0]?.reason, "not-text");
  assert.match(v3?.unparseable[0]?.advice ?? "", /FlexOlmo-mini/);
});
