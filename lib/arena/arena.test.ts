/**
 * Battles and votes against a real (temporary SQLite) database with the committed migrations: answers stored
 * all at once or not at all, flagging, and the vote rules (asker only, after both answers, once, daily cap).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { createDb, type Db } from "../db/create";
import { applyMigrations } from "../db/migrate";
import { createSql, type SqlClient } from "../db/sql";
import { type DatabaseTarget, databaseTarget } from "../db/target";
import { readRecording, startFakeOpenAiServer } from "../providers/fake-openai-server";
import { openAiProvider } from "../providers/openai-client";
import { providerFor, registerOpenAiProvider, seedDefaultProviders } from "../providers/registry";
import { openSecret } from "../providers/secret-box";
import { type AnswerProvider, type ArenaPassage, ProviderError } from "../providers/types";
import { parsePapersJsonl } from "../retrieval";
import { type BattleEvent, createBattle, runBattle } from "./battles";
import { modelAnswerStats } from "./model-stats";
import { importPaperList, retrievePassages } from "./papers";
import { refreshRatings } from "./ratings-snapshots";
import { castVote } from "./votes";

let dir: string;
let db: Db;
let target: DatabaseTarget;
let sqlc: SqlClient;
let alice: string;
let bob: string;
let models: string[];

const passages: ArenaPassage[] = [
  {
    n: 1,
    passageId: "p#0",
    text: "BM25 ranks documents by term frequency and inverse document frequency.",
    paper: { id: "p", title: "Okapi at TREC", authors: ["S. Robertson"], year: 1994 },
  },
];

function fixed(pieces: string[], delayMs = 0): AnswerProvider {
  return {
    async *answer({ signal }) {
      for (const p of pieces) {
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        if (signal.aborted) throw new ProviderError("stopped", "aborted");
        yield p;
      }
    },
  };
}

function failing(message: string): AnswerProvider {
  return {
    // biome-ignore lint/correctness/useYield: a provider that fails before its first piece
    async *answer() {
      throw new ProviderError(message, "timeout");
    },
  };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "arena-test-"));
  target = databaseTarget(`file:${path.join(dir, "app.db")}`);
  await applyMigrations(target);
  db = createDb(target);
  sqlc = createSql(target);
  alice = (await db.user.create({ data: { email: "alice@example.org" } })).id;
  bob = (await db.user.create({ data: { email: "bob@example.org" } })).id;
  await seedDefaultProviders(db, path.join(dir, "no-model"));
  const key = [{ id: "0badc0de", key: randomBytes(32) }];
  const reg = await registerOpenAiProvider(
    db,
    {
      name: "vllm-llama",
      baseUrl: "http://127.0.0.1:9/v1",
      modelName: "llama-3",
      apiKey: "sk-secret",
      timeoutSeconds: 5,
      weight: 1,
    },
    key,
  );
  const row = await db.modelProvider.findUniqueOrThrow({ where: { id: reg.id } });
  assert.ok(row.apiKeyCipher && !row.apiKeyCipher.includes("sk-secret"));
  assert.equal(openSecret(row.apiKeyCipher, key), "sk-secret");
  models = (await db.modelProvider.findMany({ orderBy: { name: "asc" } })).map((m) => m.id);
});

after(async () => {
  await db.$disconnect();
  await sqlc.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Creates a battle between two of the seeded models and runs it with `providers` as models A and B,
 * recording the events it streams.
 */
async function playBattle(
  providers: [AnswerProvider, AnswerProvider],
  opts: { userId?: string; question?: string; names?: string[]; clock?: () => number } = {},
) {
  const question = opts.question ?? "q";
  const b = await createBattle(db, {
    userId: opts.userId ?? alice,
    question,
    passages,
    candidates: models.map((id) => ({ id, weight: 1 })),
  });
  const events: BattleEvent[] = [];
  const status = await runBattle(db, {
    battleId: b.id,
    question,
    passages,
    providers,
    names: opts.names ?? [],
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    clock: opts.clock,
  });
  return { id: b.id, status, events };
}

/** A battle with two fixed answers, the models' names known to the anonymity check. */
function answeredBattle(
  userId: string,
  answers: [string, string] = ["BM25 uses idf [1].", "Term frequency [1]."],
) {
  return playBattle([fixed([answers[0]]), fixed([answers[1]])], {
    userId,
    question: "How does BM25 rank?",
    names: ["extractive-baseline", "vllm-llama", "llama-3"],
  });
}

test("seeding the built-in models twice creates them once", async () => {
  assert.equal(await seedDefaultProviders(db, path.join(dir, "no-model")), 0);
  assert.equal(await db.modelProvider.count({ where: { name: "extractive-baseline" } }), 1);
});

test("both answers stream interleaved and are stored together", async () => {
  const b = await playBattle([fixed(["one ", "two ", "three [1]"], 5), fixed(["uno ", "dos [1]"], 7)]);
  const { status, events } = b;
  assert.equal(status, "answered");
  const sides = events.filter((e) => e.type === "chunk").map((e) => (e as { side: string }).side);
  assert.ok(sides.includes("a") && sides.includes("b"));
  assert.deepEqual(events.at(-1), { type: "answered" });
  const row = await db.battle.findUniqueOrThrow({ where: { id: b.id } });
  assert.equal(row.status, "answered");
  assert.equal(row.answerA, "one two three [1]");
  assert.equal(row.answerB, "uno dos [1]");
  assert.notEqual(row.modelAId, row.modelBId);
});

test("a failing provider voids the battle and stores no answer", async () => {
  const b = await playBattle([
    fixed(["partial ", "answer"], 20),
    failing("Model B did not finish within 5 s."),
  ]);
  const { status, events } = b;
  assert.equal(status, "voided");
  const last = events.at(-1) as { type: string; message: string };
  assert.equal(last.type, "void");
  assert.match(last.message, /Model B did not finish within 5 s/);
  const row = await db.battle.findUniqueOrThrow({ where: { id: b.id } });
  assert.equal(row.status, "voided");
  assert.equal(row.answerA, null);
  assert.equal(row.answerB, null);
  await assert.rejects(
    castVote(sqlc, { battleId: b.id, userId: alice, choice: "a", dailyCap: 100 }),
    (e: { status?: number }) => e.status === 409,
  );
});

test("an empty answer voids the battle too", async () => {
  const { status } = await playBattle([fixed(["fine [1]"]), fixed(["   "])]);
  assert.equal(status, "voided");
});

test("an answer naming a model is flagged and left out of the ratings", async () => {
  const b = await answeredBattle(alice, ["As a Llama model I say idf [1].", "tf [1]"]);
  const row = await db.battle.findUniqueOrThrow({ where: { id: b.id } });
  assert.equal(row.flagged, true);
  assert.match(row.flagReason ?? "", /llama/);
  await castVote(sqlc, { battleId: b.id, userId: alice, choice: "a", dailyCap: 100 });
  const clean = await answeredBattle(alice);
  await castVote(sqlc, { battleId: clean.id, userId: alice, choice: "b", dailyCap: 100 });
  const snap = await refreshRatings(db, target, 10);
  assert.equal(snap.totalBattles, 1, "only the unflagged battle counts");
  assert.ok(snap.excluded >= 1);
});

test("votes: before both answers, by someone else, once, and concurrently once", async () => {
  const pending = await createBattle(db, {
    userId: alice,
    question: "q",
    passages,
    candidates: models.map((id) => ({ id, weight: 1 })),
  });
  await assert.rejects(
    castVote(sqlc, { battleId: pending.id, userId: alice, choice: "a", dailyCap: 100 }),
    (e: { status?: number; message: string }) => e.status === 409 && /both answers/.test(e.message),
  );
  const b = await answeredBattle(alice);
  await assert.rejects(
    castVote(sqlc, { battleId: b.id, userId: bob, choice: "a", dailyCap: 100 }),
    (e: { status?: number }) => e.status === 403,
  );
  await assert.rejects(
    castVote(sqlc, { battleId: "nope", userId: alice, choice: "a", dailyCap: 100 }),
    (e: { status?: number }) => e.status === 404,
  );
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      castVote(sqlc, { battleId: b.id, userId: alice, choice: "tie", dailyCap: 100 }),
    ),
  );
  assert.equal(results.filter((r) => !r.repeated).length, 1, "stored exactly once");
  assert.ok(results.every((r) => r.choice === "tie" && r.modelA && r.modelB && r.modelA !== r.modelB));
  assert.equal(await db.vote.count({ where: { battleId: b.id } }), 1);
  const again = await castVote(sqlc, { battleId: b.id, userId: alice, choice: "tie", dailyCap: 100 });
  assert.equal(again.repeated, true);
  await assert.rejects(
    castVote(sqlc, { battleId: b.id, userId: alice, choice: "a", dailyCap: 100 }),
    (e: { status?: number; message: string }) => e.status === 409 && /cannot be changed/.test(e.message),
  );
  assert.equal((await db.battle.findUniqueOrThrow({ where: { id: b.id } })).status, "voted");
});

test("the daily vote cap refuses votes past it and resets the next UTC day", async () => {
  const carol = (await db.user.create({ data: { email: "carol@example.org" } })).id;
  const day = new Date("2030-01-02T10:00:00Z");
  const first = await answeredBattle(carol);
  const second = await answeredBattle(carol);
  await castVote(sqlc, { battleId: first.id, userId: carol, choice: "a", dailyCap: 1, now: day });
  await assert.rejects(
    castVote(sqlc, { battleId: second.id, userId: carol, choice: "a", dailyCap: 1, now: day }),
    (e: { status?: number; message: string }) => e.status === 429 && /limit of 1 vote/.test(e.message),
  );
  const next = await castVote(sqlc, {
    battleId: second.id,
    userId: carol,
    choice: "a",
    dailyCap: 1,
    now: new Date("2030-01-03T00:00:01Z"),
  });
  assert.equal(next.repeated, false);
});

test("papers import: new, unchanged, then updated; the arena retrieves them with links to each paper", async () => {
  const text = [
    JSON.stringify({
      id: "a1",
      title: "Okapi BM25 ranking",
      authors: ["X"],
      year: 2020,
      arxivId: "2001.00001v2",
      abstract: "Okapi ranking weighs term frequency against document length.",
    }),
    JSON.stringify({
      id: "a2",
      title: "Suffix arrays",
      authors: [{ name: "Y" }],
      year: 2021,
      doi: "https://doi.org/10.1000/SA.1",
      abstract: "Suffix arrays index every suffix of a text for substring search.",
    }),
  ].join("\n");
  assert.deepEqual(await importPaperList(sqlc, parsePapersJsonl(text)), {
    added: 2,
    updated: 0,
    unchanged: 0,
  });
  assert.deepEqual(await importPaperList(sqlc, parsePapersJsonl(text)), {
    added: 0,
    updated: 0,
    unchanged: 2,
  });
  // The same paper under another id but the same DOI replaces the stored one and keeps its id.
  const revised = parsePapersJsonl(
    JSON.stringify({
      id: "W99",
      title: "Suffix arrays, revised",
      authors: ["Y", "Z"],
      year: 2022,
      doi: "10.1000/sa.1",
      abstract: "Suffix arrays index every suffix of a text; the revision adds compressed suffix arrays.",
    }),
  );
  assert.deepEqual(await importPaperList(sqlc, revised), { added: 0, updated: 1, unchanged: 0 });
  assert.equal(await db.paper.count({ where: { id: { in: ["a1", "a2"] } } }), 2);
  assert.equal(await db.paper.count({ where: { id: "W99" } }), 0);

  const { passages, ms } = await retrievePassages(sqlc, "How do compressed suffix arrays index a text?");
  assert.ok(ms >= 0);
  assert.equal(passages[0].paper.id, "a2");
  assert.equal(passages[0].paper.title, "Suffix arrays, revised");
  assert.deepEqual(passages[0].paper.authors, ["Y", "Z"]);
  assert.equal(passages[0].paper.url, "https://doi.org/10.1000/sa.1");
  assert.match(passages[0].text, /compressed suffix arrays/);
  const okapi = await retrievePassages(sqlc, "Okapi term frequency ranking");
  assert.equal(okapi.passages[0].paper.url, "https://arxiv.org/abs/2001.00001");
  assert.deepEqual((await retrievePassages(sqlc, "sourdough bread baking")).passages, []);
});

test("filtered snapshots count only votes of that subject and date range; excluded voters drop out", async () => {
  const carol = (await db.user.create({ data: { email: "filter-voter@example.org" } })).id;
  const med: string[] = [];
  for (let i = 0; i < 3; i++) {
    const b = await answeredBattle(carol);
    await db.battle.update({ where: { id: b.id }, data: { subject: "Medicine" } });
    await castVote(sqlc, { battleId: b.id, userId: carol, choice: "a", dailyCap: 100 });
    med.push(b.id);
  }
  // One old Medicine vote, outside a range that starts today.
  await db.vote.update({
    where: { battleId: med[0] },
    data: { createdAt: new Date("2020-01-01T12:00:00Z") },
  });
  const today = new Date().toISOString().slice(0, 10);
  const medicine = await refreshRatings(db, target, { filter: { subject: "Medicine" }, bootstrapRounds: 5 });
  assert.equal(medicine.totalBattles, 3);
  assert.equal(medicine.filter, "subject=Medicine");
  assert.equal(medicine.voterCheck, undefined, "the anomaly check runs on the unfiltered snapshot only");
  const recent = await refreshRatings(db, target, {
    filter: { subject: "Medicine", from: today },
    bootstrapRounds: 5,
  });
  assert.equal(recent.totalBattles, 2);
  const old = await refreshRatings(db, target, { filter: { to: "2020-01-01" }, bootstrapRounds: 5 });
  assert.equal(old.totalBattles, 1);
  const none = await refreshRatings(db, target, { filter: { subject: "Humanities" }, bootstrapRounds: 5 });
  assert.equal(none.totalBattles, 0);
  assert.equal(none.rows.length, 0);
  const keys = await db.ratingsSnapshot.findMany({ select: { filter: true } });
  assert.ok(keys.some((k) => k.filter === `subject=Medicine&from=${today}`));
  // Excluding carol's votes removes them from the filtered and unfiltered ratings.
  await db.user.update({ where: { id: carol }, data: { votesExcluded: true } });
  const after = await refreshRatings(db, target, { filter: { subject: "Medicine" }, bootstrapRounds: 5 });
  assert.equal(after.totalBattles, 0);
  assert.equal(after.excluded, 3);
  const all = await refreshRatings(db, target, { bootstrapRounds: 5 });
  assert.equal(all.filter, "");
  assert.ok(all.voterCheck, "the unfiltered snapshot carries the voter check");
  // Excluded voters are still checked, so an admin can see whether to include them again.
  const voters = await db.vote.groupBy({ by: ["userId"], where: { battle: { flagged: false } } });
  assert.ok(voters.some((v) => v.userId === carol));
  assert.equal(all.voterCheck.checked, voters.length);
  assert.equal(all.computedIn, "worker");
});

test("a reasoning model's reasoning stays out of the streamed answer and is revealed with the vote; usage and latency are stored", async () => {
  const fake = await startFakeOpenAiServer({
    models: { r1: { recording: "vllm-reasoning" }, llama: { recording: "ollama" } },
  });
  try {
    let t = 1000;
    const make = (modelName: string, label: string) =>
      openAiProvider({ baseUrl: fake.url, modelName, timeoutMs: 10_000, label });
    const b = await playBattle([make("r1", "Model A"), make("llama", "Model B")], {
      userId: bob,
      question: "How do experts opt out?",
      clock: () => (t += 10),
    });
    const { status, events } = b;
    assert.equal(status, "answered");
    const r1 = readRecording("vllm-reasoning").info;
    const llama = readRecording("ollama").info;
    const streamed = (side: string) =>
      events
        .filter((e) => e.type === "chunk" && e.side === side)
        .map((e) => (e.type === "chunk" ? e.text : ""))
        .join("");
    assert.equal(streamed("a"), r1.answer);
    assert.ok(!streamed("a").includes("The question asks"), "no reasoning reaches the page before the vote");
    assert.deepEqual(
      events.filter((e) => e.type === "thinking"),
      [{ type: "thinking", side: "a" }],
    );
    const row = await db.battle.findUniqueOrThrow({ where: { id: b.id } });
    assert.equal(row.answerA, r1.answer);
    assert.equal(row.reasoningA, r1.reasoning);
    assert.equal(row.answerB, llama.answer);
    assert.equal(row.reasoningB, null);
    assert.deepEqual(
      [row.promptTokensA, row.completionTokensA, row.promptTokensB, row.completionTokensB],
      [398, 123, 405, 61],
    );
    assert.ok(row.firstTokenMsA !== null && row.latencyMsA !== null && row.firstTokenMsA < row.latencyMsA);
    assert.ok(row.firstTokenMsB !== null && row.latencyMsB !== null && row.firstTokenMsB < row.latencyMsB);
    const vote = await castVote(sqlc, { battleId: b.id, userId: bob, choice: "a" });
    assert.equal(vote.reasoningA, r1.reasoning);
    assert.equal(vote.reasoningB, null);
  } finally {
    await fake.close();
  }
});

test("a reasoning model whose server strips the opening <think>: its reasoning is taken back from the page at </think>, stored apart, and the habit is remembered on the model's row, so no later reply (on any instance, after a restart) shows it", async () => {
  const fake = await startFakeOpenAiServer({
    models: { r1: { recording: "vllm-think-open-stripped" }, llama: { recording: "ollama" } },
  });
  const r1 = readRecording("vllm-think-open-stripped").info;
  const key = [{ id: "0badc0de", key: randomBytes(32) }];
  const register = async (name: string, modelName: string, reasoningStartsInside?: boolean) =>
    (
      await registerOpenAiProvider(
        db,
        {
          name,
          baseUrl: fake.url,
          modelName,
          apiKey: "",
          timeoutSeconds: 10,
          weight: 1,
          reasoningStartsInside,
        },
        key,
      )
    ).id;
  const r1Id = await register("r1-stripped", "r1");
  const llamaId = await register("llama-plain", "llama");
  // The same model registered by an admin who ticked "replies start inside": right from its first reply.
  const r1KnownId = await register("r1-known", "r1", true);
  const loadModel = () => Promise.reject(new Error("no local model in this test"));
  try {
    const battle = async (modelAId: string) => {
      const b = await createBattle(db, {
        userId: bob,
        question: "How do experts opt out?",
        passages,
        candidates: models.map((id) => ({ id, weight: 1 })),
      });
      const events: BattleEvent[] = [];
      // As the app does for each battle: the rows as they are now, the habit remembered in the database.
      const row = async (id: string) => db.modelProvider.findUniqueOrThrow({ where: { id } });
      const make = async (id: string, label: string) =>
        providerFor(await row(id), { key, loadModel, label, db });
      const status = await runBattle(db, {
        battleId: b.id,
        question: "How do experts opt out?",
        passages,
        providers: [await make(modelAId, "Model A"), await make(llamaId, "Model B")],
        names: [],
        signal: new AbortController().signal,
        emit: (e) => events.push(e),
      });
      assert.equal(status, "answered");
      // What the page shows for side A: chunks appended, cleared at "retracted".
      let shown = "";
      const everShown: string[] = [];
      for (const e of events) {
        if (e.type === "chunk" && e.side === "a") shown += e.text;
        if (e.type === "retracted" && e.side === "a") shown = "";
        everShown.push(shown);
      }
      assert.equal(shown, r1.answer);
      const stored = await db.battle.findUniqueOrThrow({ where: { id: b.id } });
      assert.equal(stored.answerA, r1.answer);
      assert.equal(stored.reasoningA, r1.reasoning);
      const vote = await castVote(sqlc, { battleId: b.id, userId: bob, choice: "b" });
      assert.equal(vote.reasoningA, r1.reasoning);
      return { events, everShown };
    };
    const habit = async (id: string) =>
      (await db.modelProvider.findUniqueOrThrow({ where: { id } })).reasoningStartsInside;
    assert.equal(await habit(r1Id), false);
    // First reply: nothing says it is reasoning until </think>; then the page is told to take it back.
    const first = await battle(r1Id);
    assert.ok(first.everShown.some((s) => s.startsWith("Okay, so")));
    assert.deepEqual(
      first.events.filter((e) => e.type === "retracted"),
      [{ type: "retracted", side: "a" }],
    );
    // The habit is stored on the model's row (the write is not awaited by the stream: wait for it).
    for (let i = 0; i < 100 && !(await habit(r1Id)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await habit(r1Id), true, "the model's row remembers that its replies start inside");
    assert.equal(await habit(llamaId), false, "the plain model is left as it was");
    // The next reply, through a provider built afresh from the row: reasoning from its first token.
    for (const id of [r1Id, r1KnownId]) {
      const next = await battle(id);
      assert.ok(!next.everShown.some((s) => s.includes("Okay, so")), "no reasoning reaches the page");
      assert.equal(next.events.filter((e) => e.type === "retracted").length, 0);
      assert.deepEqual(
        next.events.filter((e) => e.type === "thinking"),
        [{ type: "thinking", side: "a" }],
      );
    }
  } finally {
    await db.modelProvider.deleteMany({ where: { id: { in: [r1Id, llamaId, r1KnownId] } } });
    await fake.close();
  }
});

test("a reasoning model that never gets to its answer voids the battle with a reason", async () => {
  const thinker: AnswerProvider = {
    async *answer() {
      yield { reasoning: "Let me think about this for a very long time" };
    },
  };
  const { status, events } = await playBattle([thinker, fixed(["fine [1]"])]);
  assert.equal(status, "voided");
  const last = events.at(-1);
  assert.equal(last?.type, "void");
  assert.match(last?.type === "void" ? last.message : "", /Model A only reasoned and gave no answer/);
});

test("per-model answer figures: battles on either side, mean first-token time, latency and tokens of its answers", async () => {
  const [x, y] = await Promise.all(
    ["stats-x", "stats-y"].map(
      async (name) => (await db.modelProvider.create({ data: { name, kind: "openai" } })).id,
    ),
  );
  const base = { userId: alice, question: "q", passages: "[]" };
  await db.battle.create({
    data: {
      ...base,
      modelAId: x,
      modelBId: y,
      status: "answered",
      answerA: "a",
      answerB: "b",
      firstTokenMsA: 100,
      latencyMsA: 1000,
      completionTokensA: 50,
      firstTokenMsB: 300,
      latencyMsB: 3000,
    },
  });
  await db.battle.create({
    data: {
      ...base,
      modelAId: y,
      modelBId: x,
      status: "voted",
      answerA: "a",
      answerB: "b",
      firstTokenMsA: 500,
      latencyMsA: 5000,
      completionTokensA: 70,
      firstTokenMsB: 300,
      latencyMsB: 2000,
      completionTokensB: 150,
    },
  });
  await db.battle.create({ data: { ...base, modelAId: x, modelBId: y, status: "voided" } });
  const stats = await modelAnswerStats(db);
  assert.deepEqual(stats.get(x), {
    battles: 3,
    answers: 2,
    meanFirstTokenMs: 200,
    meanLatencyMs: 1500,
    meanCompletionTokens: 100,
  });
  assert.deepEqual(stats.get(y), {
    battles: 3,
    answers: 2,
    meanFirstTokenMs: 400,
    meanLatencyMs: 4000,
    meanCompletionTokens: 70, // its answer without a token count is left out of the mean
  });
});
