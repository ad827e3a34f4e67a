/**
 * Shared types of the ranking library. Everything in `lib/ranking` except `cli.ts` and
 * `read-battles-file.ts` is pure (no I/O, no framework imports) so it runs in workers and tests.
 */

/** Vote outcome in Chatbot Arena's vocabulary. */
export type Winner = "model_a" | "model_b" | "tie" | "tie (bothbad)";

/** Style features of one answer (raw counts, see `extractStyleFeatures`). */
export interface StyleFeatures {
  /** Answer length in tokens (whitespace-separated words). */
  length: number;
  /** Passage indices cited with markers such as `[1]` or `[2, 3]` (each number inside brackets counts once). */
  citations: number;
  /** Markdown ATX headers (`#` .. `######`). */
  headers: number;
  /** Ordered and unordered list items. */
  lists: number;
  /** Bold spans (`**x**` or `__x__`). */
  bold: number;
}

/** Names of the style covariates, in the order used by every array in this library. */
export const STYLE_FEATURE_NAMES = ["length", "citations", "headers", "lists", "bold"] as const;
export type StyleFeatureName = (typeof STYLE_FEATURE_NAMES)[number];

/** One battle, as the app stores it. Extra fields are ignored. */
export interface Battle {
  modelA: string;
  modelB: string;
  winner: Winner;
  /** Seconds (or any monotone clock) at vote time; online Elo runs in this order. */
  tstamp?: number;
  /** Style features of A's and B's answers; style control uses battles that have both. */
  styleA?: StyleFeatures;
  styleB?: StyleFeatures;
}

/** Outcome codes in a `BattleTable`. */
export const OUTCOME_A = 0;
export const OUTCOME_B = 1;
export const OUTCOME_TIE = 2;
export const OUTCOME_BOTHBAD = 3;

/**
 * Battles in columnar form (the "preprocess" output; what the fast JSONL reader produces).
 * Invariants: all arrays have `length` entries; `0 <= modelA[i], modelB[i] < models.length`;
 * `modelA[i] !== modelB[i]`; `outcome[i]` is one of the OUTCOME_* codes; `tstamp[i]` is NaN when absent.
 */
export interface BattleTable {
  models: string[];
  length: number;
  modelA: Int32Array;
  modelB: Int32Array;
  outcome: Uint8Array;
  tstamp: Float64Array;
  /**
   * Optional style features, row-major `[length x 5]` in STYLE_FEATURE_NAMES order; NaN in the first
   * column marks a battle without features.
   */
  styleA?: Float64Array;
  styleB?: Float64Array;
}

/** How ties (including "tie (bothbad)") enter the ratings. */
export type TieMode = "half" | "drop";

/** Fixes one model's rating to a value after fitting (e.g. `{ model: "baseline", rating: 1000 }`). */
export interface Anchor {
  model: string;
  rating: number;
}
