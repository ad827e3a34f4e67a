/** Online Elo, as Chatbot Arena's first leaderboard computed it (FastChat `compute_elo`). */

import type { BattleTable, TieMode } from "./types";
import { OUTCOME_A, OUTCOME_B } from "./types";

export interface EloOptions {
  /** Update step. 4 (Chatbot Arena's choice): small, so late votes move ratings little and order matters less. */
  k?: number;
  base?: number;
  scale?: number;
  initRating?: number;
  /** "half" (default): ties and both-bad score 0.5 each; "drop": they are skipped. */
  ties?: TieMode;
}

/**
 * Sequential Elo over battles in time order: battles are stably sorted by `tstamp` when every battle has
 * one, and taken in table order otherwise. For battle (a, b) with score s_a (1 win, 0 loss, 0.5 tie):
 * e_a = 1 / (1 + base^((r_b - r_a) / scale)); r_a += k (s_a - e_a); r_b += k ((1 - s_a) - (1 - e_a)).
 * Returns one rating per model of `table.models`. Time: O(n) (+ O(n log n) if not already time-sorted).
 */
export function computeOnlineElo(table: BattleTable, options: EloOptions = {}): Float64Array {
  const k = options.k ?? 4;
  const base = options.base ?? 10;
  const scale = options.scale ?? 400;
  const init = options.initRating ?? 1000;
  const dropTies = options.ties === "drop";
  const rating = new Float64Array(table.models.length).fill(init);
  const { modelA, modelB, outcome } = table;
  const order = timeOrder(table);
  const logBase = Math.log(base);
  for (let idx = 0; idx < table.length; idx++) {
    const i = order ? order[idx] : idx;
    const o = outcome[i];
    let sa: number;
    if (o === OUTCOME_A) sa = 1;
    else if (o === OUTCOME_B) sa = 0;
    else if (dropTies) continue;
    else sa = 0.5;
    const a = modelA[i];
    const b = modelB[i];
    const ea = 1 / (1 + Math.exp((logBase * (rating[b] - rating[a])) / scale));
    const delta = k * (sa - ea);
    rating[a] += delta;
    rating[b] -= delta;
  }
  return rating;
}

/** Stable time order, or null when the table is already in time order or some timestamp is missing. */
export function timeOrder(table: BattleTable): Uint32Array | null {
  const t = table.tstamp;
  let sorted = true;
  for (let i = 0; i < table.length; i++) {
    if (Number.isNaN(t[i])) return null;
    if (i > 0 && t[i] < t[i - 1]) sorted = false;
  }
  if (sorted) return null;
  const order = new Uint32Array(table.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Array.prototype.sort is stable; ties keep table order.
  const sortedOrder = Array.from(order).sort((x, y) => t[x] - t[y] || x - y);
  return Uint32Array.from(sortedOrder);
}
