/**
 * Test-only seeding for the layout spec: a leaderboard as wide as a real one (eight models with long
 * names, six ranked and two preliminary), voted by one seeded researcher, written straight into the e2e
 * database. Disabled models: the arena never samples them. Refuses any data folder but an e2e server's
 * (scripts/e2e-db.ts).
 *
 *   DATA_DIR=.e2e-data npx tsx scripts/e2e-seed-board.ts
 */
import { e2eDb, seedModels } from "./e2e-db";

const db = await e2eDb("e2e-seed-board");
const names = [
  "board-llama-3.1-70b-instruct",
  "board-qwen2.5-72b-instruct",
  "board-olmo-2-13b-instruct",
  "board-mistral-small-24b",
  "board-gemma-2-27b-it",
  "board-phi-4-14b",
  "board-preliminary-one",
  "board-preliminary-two",
];
const models = await seedModels(db, names);
const user = await db.user.upsert({
  where: { email: "board-voter@e2e.test" },
  create: { email: "board-voter@e2e.test" },
  update: {},
});
let votes = 0;
// Each pair of the six ranked models meets 4 times (20 battles each); the lower index wins 3 of 4.
// The two preliminary models meet a few of them once.
const pairs: [number, number, number][] = [];
for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) for (let k = 0; k < 4; k++) pairs.push([i, j, k]);
for (const [i, j] of [
  [6, 0],
  [6, 3],
  [7, 5],
  [7, 1],
  [6, 7],
])
  pairs.push([i, j, 0]);
for (const [i, j, k] of pairs) {
  const battle = await db.battle.create({
    data: {
      userId: user.id,
      question: `Board question ${i}-${j}-${k}`,
      passages: "[]",
      modelAId: models[i].id,
      modelBId: models[j].id,
      answerA: "An answer.",
      answerB: "Another answer.",
      status: "voted",
      subject: "Physics",
      answeredAt: new Date(),
      votedAt: new Date(),
    },
  });
  await db.vote.create({ data: { battleId: battle.id, userId: user.id, choice: k === 3 ? "b" : "a" } });
  votes++;
}
await db.$disconnect();
console.log(`seeded ${votes} votes`);
