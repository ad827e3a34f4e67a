/** A temporary SQLite database with voted battles, for the export, dataset and judge tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDb, type Db } from "../db/create";
import { applyMigrations } from "../db/migrate";
import { databaseTarget } from "../db/target";
import type { ArenaPassage } from "../providers/types";

export const SECRETS = {
  emails: ["ada.lovelace@example.org", "grace.hopper@example.org", "alan.turing@example.org"],
  names: ["Ada Lovelace", "Grace Hopper", "Alan Turing"],
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$SECRETHASHVALUE0123456789",
  apiKeyHash: "5f4dcc3b5aa765d61d8327deb882cf99deadbeefcafebabe0123456789abcdef",
  apiKeyCipher: "iv-SEALEDKEY.tag-SEALEDKEY.data-SEALEDKEY",
  baseUrl: "http://internal-llm.example.org:8000/v1",
};

export const PASSAGES: ArenaPassage[] = [
  {
    n: 1,
    passageId: "okapi#0",
    text: "BM25 ranks documents by term frequency, saturated by k1, and inverse document frequency.",
    paper: {
      id: "okapi",
      title: "Okapi at TREC-3",
      authors: ["Stephen E. Robertson", "Steve Walker", "Micheline Beaulieu"],
      year: 1994,
    },
  },
  {
    n: 2,
    passageId: "bm25f#0",
    text: "Document length normalisation is controlled by the parameter b.",
    paper: {
      id: "bm25f",
      title: "The Probabilistic Relevance Framework",
      authors: ["Stephen Robertson", "Hugo Zaragoza"],
      year: 2009,
    },
  },
  {
    n: 3,
    passageId: "dpr#0",
    text: "Dense passage retrieval encodes questions and passages with two BERT encoders.",
    paper: {
      id: "dpr",
      title: "Dense Passage Retrieval",
      authors: ["Vladimir Karpukhin"],
      year: 2020,
      url: "https://papers.test/dpr",
    },
  },
];

export interface Fixture {
  dir: string;
  db: Db;
  users: { ada: string; grace: string; alan: string };
  models: { m1: string; m2: string; m3: string };
  close(): Promise<void>;
}

/**
 * Three voters (Ada trusted, Grace ordinary, Alan with votes excluded), three models (one with a sealed API
 * key), and `n` voted battles cycling through voters, pairs, subjects and vote kinds; battle 3 is flagged.
 */
export async function makeFixture(n = 12): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), "export-test-"));
  const target = databaseTarget(`file:${path.join(dir, "app.db")}`);
  await applyMigrations(target);
  const db = createDb(target);
  const mk = (i: number, extra: object = {}) =>
    db.user.create({
      data: {
        email: SECRETS.emails[i],
        name: SECRETS.names[i],
        passwordHash: SECRETS.passwordHash,
        ...extra,
      },
    });
  const ada = (await mk(0, { trusted: true, role: "admin" })).id;
  const grace = (await mk(1)).id;
  const alan = (await mk(2, { votesExcluded: true })).id;
  await db.apiKey.create({
    data: { name: "ci", prefix: "lmr_abcdef", hash: SECRETS.apiKeyHash, scopes: "models,admin", userId: ada },
  });
  const m1 = (await db.modelProvider.create({ data: { name: "extractive-baseline", kind: "extractive" } }))
    .id;
  const m2 = (
    await db.modelProvider.create({
      data: {
        name: "remote-llm",
        kind: "openai",
        baseUrl: SECRETS.baseUrl,
        modelName: "llm-7b",
        apiKeyCipher: SECRETS.apiKeyCipher,
      },
    })
  ).id;
  const m3 = (
    await db.modelProvider.create({ data: { name: "flexolmo-all", kind: "local", config: '{"experts":[]}' } })
  ).id;
  const voters = [ada, grace, alan];
  const pairs: [string, string][] = [
    [m1, m2],
    [m2, m3],
    [m3, m1],
  ];
  const choices = ["a", "b", "tie", "bothbad", "a", "b"];
  const subjects = ["Computer Science", "Medicine", null];
  for (let i = 0; i < n; i++) {
    const [a, b] = pairs[i % 3];
    const when = new Date(Date.UTC(2026, 0, 1 + i, 12));
    const battle = await db.battle.create({
      data: {
        userId: voters[i % 3],
        question:
          i % 2 === 0
            ? `How does BM25 rank documents, case ${i}?`
            : `Compare dense and sparse retrieval, case ${i}.`,
        passages: JSON.stringify(PASSAGES),
        modelAId: a,
        modelBId: b,
        answerA: `BM25 uses term frequency and idf [1]. Length is normalised [2]. Case ${i}, "quoted", with comma.`,
        answerB: `Dense retrieval uses BERT encoders [3][1].\nSecond line ${i}.`,
        status: "voted",
        subject: subjects[i % 3],
        flagged: i === 3,
        flagReason: i === 3 ? 'An answer names "remote-llm".' : null,
        createdAt: when,
        answeredAt: when,
        votedAt: when,
      },
    });
    await db.vote.create({
      data: {
        battleId: battle.id,
        userId: voters[i % 3],
        choice: choices[i % choices.length],
        createdAt: when,
      },
    });
  }
  return {
    dir,
    db,
    users: { ada, grace, alan },
    models: { m1, m2, m3 },
    async close() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
