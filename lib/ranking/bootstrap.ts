/**
 * Bootstrap confidence intervals for BT ratings (FastChat `compute_bootstrap_bt`, resampling battles).
 *
 * Resampling n battles with replacement is the same as drawing the counts of the collapsed
 * (pair, outcome) rows from Multinomial(n, count / n); we draw those counts directly, so a round costs
 * O(rows) instead of O(battles), and refit warm-started from the full-data estimate.
 */
import type { CollapsedRows } from "./battles";
import { type BtFitOptions, fitBradleyTerry, type RatingScale, thetaToRatings } from "./bt";
import { sampleMultinomial, sfc32 } from "./random";

export interface BootstrapOptions extends RatingScale {
  /** Resampling rounds; 100 by default (Chatbot Arena's choice: enough for stable 95% percentiles). */
  rounds?: number;
  seed?: number;
  /** Two-sided coverage of the interval, 0.95 by default. */
  confidence?: number;
  /** Passed to each refit (e.g. a fixed l2). */
  fit?: Pick<BtFitOptions, "l2" | "tol" | "maxIter">;
  /** Warm start (the full-data theta). */
  init?: ArrayLike<number>;
}

export interface BootstrapResult {
  /** Per model, the percentile interval of the rating: [nModels]. */
  lower: Float64Array;
  upper: Float64Array;
  /** Per model, the bootstrap median rating. */
  median: Float64Array;
  /** All round ratings, row-major [rounds x nModels]. */
  samples: Float64Array;
  rounds: number;
}

/**
 * Percentile bootstrap intervals of BT ratings. `models` names the rows' model ids (for the anchor).
 * Time: O(rounds * (R + fit)).
 */
export function bootstrapIntervals(
  rows: CollapsedRows,
  models: readonly string[],
  options: BootstrapOptions = {},
): BootstrapResult {
  const rounds = options.rounds ?? 100;
  const confidence = options.confidence ?? 0.95;
  if (!(rounds >= 1) || !Number.isInteger(rounds))
    throw new RangeError("bootstrap rounds must be a positive integer");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError("confidence must be in (0, 1)");
  const m = rows.nModels;
  const rng = sfc32(options.seed ?? 0);
  let total = 0;
  for (let r = 0; r < rows.count.length; r++) total += rows.count[r];
  const init = options.init ?? fitBradleyTerry(rows, options.fit).theta;
  const samples = new Float64Array(rounds * m);
  const weights = new Float64Array(rows.count.length);
  for (let b = 0; b < rounds; b++) {
    sampleMultinomial(rng, total, rows.count, weights);
    const fit = fitBradleyTerry(rows, { ...options.fit, weights, init });
    samples.set(thetaToRatings(fit.theta, models, options), b * m);
  }
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  const median = new Float64Array(m);
  const col = new Float64Array(rounds);
  const alpha = (1 - confidence) / 2;
  for (let i = 0; i < m; i++) {
    for (let b = 0; b < rounds; b++) col[b] = samples[b * m + i];
    col.sort();
    lower[i] = quantileSorted(col, alpha);
    upper[i] = quantileSorted(col, 1 - alpha);
    median[i] = quantileSorted(col, 0.5);
  }
  return { lower, upper, median, samples, rounds };
}

/** Quantile with linear interpolation between order statistics (numpy's and pandas' default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Rank with uncertainty (Chatbot Arena's "rank (UB)"): 1 + the number of models whose lower bound is
 * strictly above this model's upper bound. Ties in rank are expected. Time: O(m^2).
 */
export function ranksFromIntervals(lower: ArrayLike<number>, upper: ArrayLike<number>): Int32Array {
  const m = lower.length;
  const rank = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let above = 0;
    for (let j = 0; j < m; j++) if (lower[j] > upper[i]) above++;
    rank[i] = 1 + above;
  }
  return rank;
}
