/**
 * Per-model figures for the admin's models table: battles (any status) and, over the answers it gave, the
 * mean time to the first token, the mean time to the end and the mean tokens written (as its server
 * reported them; answers without a figure are left out of that mean). Four grouped queries, whatever the
 * number of battles. Takes the database explicitly.
 */
import type { Db } from "../db/create";

export interface ModelAnswerStats {
  battles: number;
  /** Answers stored (both answers of answered and voted battles). */
  answers: number;
  meanFirstTokenMs: number | null;
  meanLatencyMs: number | null;
  meanCompletionTokens: number | null;
}

interface Acc {
  battles: number;
  answers: number;
  sums: [number, number, number];
  counts: [number, number, number];
}

export async function modelAnswerStats(db: Db): Promise<Map<string, ModelAnswerStats>> {
  const answered = { answerA: { not: null } } as const;
  const [allA, allB, statsA, statsB] = await Promise.all([
    db.battle.groupBy({ by: ["modelAId"], _count: { _all: true } }),
    db.battle.groupBy({ by: ["modelBId"], _count: { _all: true } }),
    db.battle.groupBy({
      by: ["modelAId"],
      where: answered,
      _count: { _all: true, firstTokenMsA: true, latencyMsA: true, completionTokensA: true },
      _sum: { firstTokenMsA: true, latencyMsA: true, completionTokensA: true },
    }),
    db.battle.groupBy({
      by: ["modelBId"],
      where: answered,
      _count: { _all: true, firstTokenMsB: true, latencyMsB: true, completionTokensB: true },
      _sum: { firstTokenMsB: true, latencyMsB: true, completionTokensB: true },
    }),
  ]);
  const acc = new Map<string, Acc>();
  const get = (id: string) => {
    let a = acc.get(id);
    if (!a) {
      a = { battles: 0, answers: 0, sums: [0, 0, 0], counts: [0, 0, 0] };
      acc.set(id, a);
    }
    return a;
  };
  for (const g of allA) get(g.modelAId).battles += g._count._all;
  for (const g of allB) get(g.modelBId).battles += g._count._all;
  /** One side's answers: their count and the sums and counts of first-token time, latency and tokens. */
  const addAnswers = (model: string, answers: number, sums: (number | null)[], counts: number[]) => {
    const a = get(model);
    a.answers += answers;
    for (let k = 0; k < 3; k++) {
      a.sums[k] += sums[k] ?? 0;
      a.counts[k] += counts[k];
    }
  };
  for (const g of statsA)
    addAnswers(
      g.modelAId,
      g._count._all,
      [g._sum.firstTokenMsA, g._sum.latencyMsA, g._sum.completionTokensA],
      [g._count.firstTokenMsA, g._count.latencyMsA, g._count.completionTokensA],
    );
  for (const g of statsB)
    addAnswers(
      g.modelBId,
      g._count._all,
      [g._sum.firstTokenMsB, g._sum.latencyMsB, g._sum.completionTokensB],
      [g._count.firstTokenMsB, g._count.latencyMsB, g._count.completionTokensB],
    );
  const mean = (a: Acc, k: number) => (a.counts[k] > 0 ? a.sums[k] / a.counts[k] : null);
  return new Map(
    [...acc].map(([id, a]) => [
      id,
      {
        battles: a.battles,
        answers: a.answers,
        meanFirstTokenMs: mean(a, 0),
        meanLatencyMs: mean(a, 1),
        meanCompletionTokens: mean(a, 2),
      },
    ]),
  );
}
