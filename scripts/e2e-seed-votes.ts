/**
 * Test-only seeding for the Playwright admin-export spec: voted battles for a researcher, written straight
 * into the e2e database. A CLI script, not a route, so production cannot reach it; it refuses to run on any
 * data folder but an e2e server's (.e2e-data, .e2e-data-N: scripts/e2e-db.ts).
 *
 *   DATA_DIR=.e2e-data npx tsx scripts/e2e-seed-votes.ts --email r@e2e.test [--battles 8] [--tag calib]
 *
 * --tag keeps one spec's battles apart from another's: models e2e-<tag>-left/right, questions "(<tag> seed n)".
 */
import { parseArgs } from "node:util";
import { e2eDb, seedModels } from "./e2e-db";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    battles: { type: "string", default: "8" },
    tag: { type: "string", default: "" },
  },
});
if (!values.email) {
  console.error("usage: DATA_DIR=.e2e-data tsx scripts/e2e-seed-votes.ts --email EMAIL [--battles N]");
  process.exit(2);
}
const db = await e2eDb("e2e-seed-votes");
const user = await db.user.findUniqueOrThrow({ where: { email: values.email.toLowerCase() } });
const models = await seedModels(
  db,
  values.tag ? [`e2e-${values.tag}-left`, `e2e-${values.tag}-right`] : ["e2e-left", "e2e-right"],
);
const passages = [
  {
    n: 1,
    passageId: "okapi#0",
    text: "BM25 ranks documents by term frequency and inverse document frequency.",
    paper: {
      id: "okapi",
      title: "Okapi at TREC-3",
      authors: ["Stephen Robertson", "Steve Walker"],
      year: 1994,
    },
  },
  {
    n: 2,
    passageId: "dpr#0",
    text: "Dense passage retrieval encodes questions and passages with BERT.",
    paper: { id: "dpr", title: "Dense Passage Retrieval", authors: ["Vladimir Karpukhin"], year: 2020 },
  },
];
const choices = ["a", "b", "a", "tie", "b", "bothbad", "a", "b"];
const n = Number(values.battles);
const seed = values.tag ? `${values.tag} seed` : "seed";
for (let i = 0; i < n; i++) {
  const when = new Date(Date.now() - (n - i) * 60_000);
  const good = `BM25 ranks documents by term frequency and inverse document frequency [1] (${seed} ${i}).`;
  const poor = `Retrieval can be dense [2] (${seed} ${i}).`;
  const battle = await db.battle.create({
    data: {
      userId: user.id,
      question: `How does BM25 rank documents by term frequency? (${seed} ${i})`,
      passages: JSON.stringify(passages),
      modelAId: models[i % 2].id,
      modelBId: models[(i + 1) % 2].id,
      answerA: i % 2 === 0 ? good : poor,
      answerB: i % 2 === 0 ? poor : good,
      status: "voted",
      subject: i % 2 === 0 ? "Computer Science" : "Medicine",
      createdAt: when,
      answeredAt: when,
      votedAt: when,
    },
  });
  await db.vote.create({
    data: { battleId: battle.id, userId: user.id, choice: choices[i % choices.length], createdAt: when },
  });
}
await db.$disconnect();
console.log(`seeded ${n} voted battles for ${user.email}`);
