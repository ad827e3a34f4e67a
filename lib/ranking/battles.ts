/**
 * Preprocessing: battle objects -> columnar `BattleTable` -> collapsed (pair, outcome) rows.
 */
import {
  type Battle,
  type BattleTable,
  OUTCOME_A,
  OUTCOME_B,
  OUTCOME_BOTHBAD,
  OUTCOME_TIE,
  STYLE_FEATURE_NAMES,
  type StyleFeatures,
  type TieMode,
  type Winner,
} from "./types";

const WINNER_CODES: Record<Winner, number> = {
  model_a: OUTCOME_A,
  model_b: OUTCOME_B,
  tie: OUTCOME_TIE,
  "tie (bothbad)": OUTCOME_BOTHBAD,
};

export class BattleInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BattleInputError";
  }
}

/**
 * Battle objects -> columnar table. Models are numbered in order of first appearance.
 * Throws `BattleInputError` naming the battle index on an unknown winner or a self-battle.
 * Time: O(n).
 */
export function toBattleTable(battles: readonly Battle[]): BattleTable {
  const n = battles.length;
  const ids = new Map<string, number>();
  const models: string[] = [];
  const modelA = new Int32Array(n);
  const modelB = new Int32Array(n);
  const outcome = new Uint8Array(n);
  const tstamp = new Float64Array(n);
  const k = STYLE_FEATURE_NAMES.length;
  let styleA: Float64Array | undefined;
  let styleB: Float64Array | undefined;
  const idOf = (name: string): number => {
    let id = ids.get(name);
    if (id === undefined) {
      id = models.length;
      ids.set(name, id);
      models.push(name);
    }
    return id;
  };
  for (let i = 0; i < n; i++) {
    const b = battles[i];
    if (typeof b.modelA !== "string" || typeof b.modelB !== "string" || b.modelA === "" || b.modelB === "") {
      throw new BattleInputError(`battle ${i}: modelA and modelB must be non-empty strings`);
    }
    if (b.modelA === b.modelB)
      throw new BattleInputError(`battle ${i}: a model cannot battle itself (${b.modelA})`);
    const code = WINNER_CODES[b.winner];
    if (code === undefined)
      throw new BattleInputError(`battle ${i}: unknown winner ${JSON.stringify(b.winner)}`);
    modelA[i] = idOf(b.modelA);
    modelB[i] = idOf(b.modelB);
    outcome[i] = code;
    tstamp[i] = typeof b.tstamp === "number" ? b.tstamp : Number.NaN;
    if (b.styleA && b.styleB) {
      if (!styleA || !styleB) {
        styleA = new Float64Array(n * k).fill(Number.NaN);
        styleB = new Float64Array(n * k).fill(Number.NaN);
      }
      writeStyle(styleA, i * k, b.styleA);
      writeStyle(styleB, i * k, b.styleB);
    }
  }
  return { models, length: n, modelA, modelB, outcome, tstamp, styleA, styleB };
}

function writeStyle(out: Float64Array, at: number, f: StyleFeatures): void {
  for (let j = 0; j < STYLE_FEATURE_NAMES.length; j++) out[at + j] = f[STYLE_FEATURE_NAMES[j]];
}

/**
 * Battles collapsed by (unordered pair, outcome): the FastChat `preprocess_for_bt` idea. Row r is the pair
 * (lo[r], hi[r]) with lo < hi, outcome `score[r]` = 1 (lo won), 0 (hi won) or 0.5 (tie), seen `count[r]` times.
 * Rows are in a canonical order (by pair, then outcome) so fits and bootstraps are deterministic.
 * Size: at most 3 * nModels * (nModels - 1) / 2 rows.
 */
export interface CollapsedRows {
  nModels: number;
  lo: Int32Array;
  hi: Int32Array;
  score: Float64Array;
  count: Float64Array;
}

/**
 * Collapses a battle table into (pair, outcome) rows. Ties and "tie (bothbad)" share one outcome; with
 * `ties: "drop"` they are left out. Time: O(n + m^2) for m models.
 */
export function collapseBattles(table: BattleTable, ties: TieMode = "half"): CollapsedRows {
  const m = table.models.length;
  const { modelA, modelB, outcome } = table;
  // counts[(lo * m + hi) * 3 + o], o = 0 lo won, 1 hi won, 2 tie. Dense: m <= ~1000 models in practice.
  const counts = new Float64Array(m * m * 3);
  const keepTies = ties === "half";
  for (let i = 0; i < table.length; i++) {
    const a = modelA[i];
    const b = modelB[i];
    const o = outcome[i];
    let lo = a;
    let hi = b;
    let aIsLo = true;
    if (a > b) {
      lo = b;
      hi = a;
      aIsLo = false;
    }
    let slot: number;
    if (o === OUTCOME_A) slot = aIsLo ? 0 : 1;
    else if (o === OUTCOME_B) slot = aIsLo ? 1 : 0;
    else if (keepTies) slot = 2;
    else continue;
    counts[(lo * m + hi) * 3 + slot]++;
  }
  let rows = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) rows++;
  const out: CollapsedRows = {
    nModels: m,
    lo: new Int32Array(rows),
    hi: new Int32Array(rows),
    score: new Float64Array(rows),
    count: new Float64Array(rows),
  };
  let r = 0;
  for (let lo = 0; lo < m; lo++) {
    for (let hi = lo + 1; hi < m; hi++) {
      const base = (lo * m + hi) * 3;
      for (let s = 0; s < 3; s++) {
        const c = counts[base + s];
        if (c > 0) {
          out.lo[r] = lo;
          out.hi[r] = hi;
          out.score[r] = s === 0 ? 1 : s === 1 ? 0 : 0.5;
          out.count[r] = c;
          r++;
        }
      }
    }
  }
  return out;
}

/** True when a battle counts under the tie mode. */
export function keepsBattle(outcomeCode: number, ties: TieMode): boolean {
  return ties === "half" || outcomeCode === OUTCOME_A || outcomeCode === OUTCOME_B;
}
