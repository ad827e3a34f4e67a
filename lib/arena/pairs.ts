/**
 * Choosing the two contenders of a battle. Pure.
 *
 * Each unordered pair {i, j} of distinct enabled models is drawn with probability proportional to
 *   weight_i * weight_j / (1 + battles_ij)
 * so models keep their admin-set sampling weight while pairs that have met less often come up more, which
 * spreads battles over the matrix and narrows the widest intervals first (Chatbot Arena samples the same way
 * for new models). The left/right order is then a fair coin.
 *
 * Readable contenders come first: only pairs with the most readable sides present are drawn (two readable
 * models when there are two; else one readable model against the tiny demo model; demo against demo only
 * when nothing readable is enabled). So a fresh install, whose only readable contender is the extractive
 * baseline, never shows two unreadable answers, and once an admin adds a real model the demo model
 * (lib/providers/demo-models.ts) no longer takes battles from it.
 */

export interface Candidate {
  id: string;
  /** Relative sampling weight, > 0. */
  weight: number;
  /** Writes readable answers (false for the tiny demo model); default true. */
  readable?: boolean;
}

/** Key of an unordered pair. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

export class NotEnoughModelsError extends Error {
  constructor(available: number) {
    super(
      available === 0
        ? "No model is enabled for the arena. An admin can enable models on the Models page."
        : "Only one model is enabled for the arena; a battle needs two. An admin can enable more on the Models page.",
    );
    this.name = "NotEnoughModelsError";
  }
}

/** Weight of each pair (i < j in the given order), as used by `samplePair`. */
export function pairWeights(
  candidates: readonly Candidate[],
  battles: ReadonlyMap<string, number>,
): { a: string; b: string; weight: number }[] {
  const out: { a: string; b: string; weight: number }[] = [];
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      const x = candidates[i];
      const y = candidates[j];
      if (x.id === y.id) continue;
      const n = battles.get(pairKey(x.id, y.id)) ?? 0;
      out.push({ a: x.id, b: y.id, weight: (x.weight * y.weight) / (1 + n) });
    }
  }
  return out;
}

/**
 * Draws two distinct models, returned as [left, right]. `random` returns uniform numbers in [0, 1).
 * Candidates with a non-positive or non-finite weight are never drawn; readable pairs first (see above).
 * Time: O(m^2) for m candidates.
 */
export function samplePair(
  candidates: readonly Candidate[],
  battles: ReadonlyMap<string, number>,
  random: () => number = Math.random,
): [string, string] {
  const usable = candidates.filter((c) => Number.isFinite(c.weight) && c.weight > 0);
  const unique = [...new Map(usable.map((c) => [c.id, c])).values()];
  if (unique.length < 2) throw new NotEnoughModelsError(unique.length);
  const readable = new Set(unique.filter((c) => c.readable !== false).map((c) => c.id));
  const tier = (p: { a: string; b: string }) => Number(readable.has(p.a)) + Number(readable.has(p.b));
  const all = pairWeights(unique, battles);
  const best = Math.max(...all.map(tier));
  const pairs = all.filter((p) => tier(p) === best);
  const total = pairs.reduce((s, p) => s + p.weight, 0);
  let r = random() * total;
  let chosen = pairs[pairs.length - 1];
  for (const p of pairs) {
    r -= p.weight;
    if (r < 0) {
      chosen = p;
      break;
    }
  }
  return random() < 0.5 ? [chosen.a, chosen.b] : [chosen.b, chosen.a];
}
