/**
 * Test-only seeding for the Playwright voter-check spec: voted battles between two seeded models by three
 * consistent voters and one voter who always picks the other side, written straight into the e2e database.
 * A CLI script, not a route; it refuses to run on any data folder but an e2e server's (scripts/e2e-db.ts).
 *
 *   DATA_DIR=.e2e-data npx tsx scripts/e2e-seed-voters.ts --outlier x@e2e.test
 */
import { parseArgs } from "node:util";
import { e2eDb, seedModels } from "./e2e-db";

const { values } = parseArgs({ options: { outlier: { type: "string" } } });
if (!values.outlier) {
  console.error("usage: DATA_DIR=.e2e-data tsx scripts/e2e-seed-voters.ts --outlier EMAIL");
  process.exit(2);
}
const db = await e2eDb("e2e-seed-voters");
const [strong, weak] = await seedModels(db, ["e2e-voters-strong", "e2e-voters-weak"]);
const tag = Date.now().toString(36);
const voters = [
  ...[1, 2, 3].map((i) => ({ email: `consistent-${i}-${tag}@e2e.test`, votes: 40, outlier: false })),
  { email: values.outlier.toLowerCase(), votes: 30, outlier: true },
];
for (const v of voters) {
  const user = await db.user.upsert({ where: { email: v.email }, create: { email: v.email }, update: {} });
  for (let i = 0; i < v.votes; i++) {
    // Consistent voters pick the strong model 9 times in 10; the outlier always picks the weak one.
    const strongWins = !v.outlier && i % 10 !== 9;
    const swap = i % 2 === 1;
    const battle = await db.battle.create({
      data: {
        userId: user.id,
        question: `Seeded question ${i}`,
        passages: "[]",
        modelAId: swap ? weak.id : strong.id,
        modelBId: swap ? strong.id : weak.id,
        answerA: "An answer.",
        answerB: "Another answer.",
        status: "voted",
        subject: "Engineering",
        answeredAt: new Date(),
        votedAt: new Date(),
      },
    });
    const choice = strongWins === !swap ? "a" : "b";
    await db.vote.create({ data: { battleId: battle.id, userId: user.id, choice } });
  }
}
await db.$disconnect();
console.log(`seeded ${voters.reduce((s, v) => s + v.votes, 0)} votes`);
