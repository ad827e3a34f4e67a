/**
 * Agreement figures as a reader can trust them: the value, the number of units it rests on (n), a 95%
 * interval, and whether n is too few to read anything into. Pure.
 *
 * - Shares of independent units (a judge's accuracy over pairs, a researcher's self-consistency over
 *   re-votes): Wilson's score interval (Wilson 1927), which stays inside [0, 1] and is not degenerate at
 *   0 or n successes, unlike the normal approximation.
 * - Kappas and shares over items with several ratings: percentile bootstrap over the units (items for
 *   Fleiss' kappa and the share agreeing, rated pairs for Cohen's kappa), seeded so a page shows the same
 *   interval on every load.
 */
import { sfc32 } from "../ranking/random";

export interface Estimate {
  /** The figure; null when undefined (no units, or a kappa whose chance agreement is 1). */
  value: number | null;
  /** Units it rests on (pairs, items or re-votes: the caller says which). */
  n: number;
  /** 95% interval; null when it cannot be computed. */
  lower: number | null;
  upper: number | null;
  /** n is below the floor: the figure is shown, but marked "too few". */
  tooFew: boolean;
}

/**
 * Units below which a figure is marked "too few". With 10 units a kappa's 95% interval still spans about
 * 0.8 and a share's about 0.5; below that the figure says next to nothing (one disagreeing pair alone gives
 * a Fleiss' kappa of -1).
 */
export const MIN_UNITS = 10;

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** k successes of n as an Estimate with Wilson's 95% score interval. Time O(1). */
export function shareEstimate(k: number, n: number, floor = MIN_UNITS): Estimate {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && k <= n))
    throw new RangeError("a share needs integers 0 <= k <= n");
  if (n === 0) return { value: null, n, lower: null, upper: null, tooFew: true };
  const p = k / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    value: p,
    n,
    lower: Math.max(0, centre - half),
    upper: Math.min(1, centre + half),
    tooFew: n < floor,
  };
}

export interface BootstrapEstimateOptions {
  /** Resamples (default 1000: the 2.5% and 97.5% percentiles then rest on 25 draws each). */
  rounds?: number;
  seed?: number;
  floor?: number;
}

/**
 * A statistic that depends on its units only through the sum of one numeric row per unit (counts of
 * labels, agreeing pairs, ...): `rows` is row-major [units x dim]. Resampling then costs O(units x dim)
 * per round with no allocation (see ./kappa.ts for the kappas in this form).
 */
export interface SummedUnits {
  rows?: Float64Array;
  /** Instead of rows: units that are one-hot rows, given by the column of their 1 (one add per unit). */
  cells?: Int32Array;
  dim: number;
  /** The statistic of summed rows; null where undefined. */
  stat: (sums: Float64Array) => number | null;
}

/**
 * A statistic of a list of units with its percentile-bootstrap 95% interval (units resampled with
 * replacement). Resamples where the statistic is undefined are skipped; with fewer than half defined, or
 * fewer than 2 units, there is no interval. Time O(rounds x units x dim); e.g. 6,000 rated items with four
 * labels and 1,000 rounds take well under a second.
 */
export function bootstrapEstimate(units: SummedUnits, options: BootstrapEstimateOptions = {}): Estimate {
  const { rows, cells, dim, stat } = units;
  const n = cells ? cells.length : rows && dim > 0 ? rows.length / dim : 0;
  const floor = options.floor ?? MIN_UNITS;
  const sums = new Float64Array(dim);
  const add = (unit: number) => {
    if (cells) sums[cells[unit]]++;
    else if (rows) for (let k = 0, at = unit * dim; k < dim; k++) sums[k] += rows[at + k];
  };
  for (let i = 0; i < n; i++) add(i);
  const value = n === 0 ? null : stat(sums);
  if (value === null || n < 2) return { value, n, lower: null, upper: null, tooFew: n < floor };
  const rounds = options.rounds ?? 1000;
  const rng = sfc32(options.seed ?? 0);
  const draws: number[] = [];
  for (let b = 0; b < rounds; b++) {
    sums.fill(0);
    for (let i = 0; i < n; i++) add(Math.floor(rng() * n));
    const v = stat(sums);
    if (v !== null && Number.isFinite(v)) draws.push(v);
  }
  if (draws.length < rounds / 2) return { value, n, lower: null, upper: null, tooFew: n < floor };
  draws.sort((a, b) => a - b);
  const at = (q: number) => {
    const h = (draws.length - 1) * q;
    const lo = Math.floor(h);
    return draws[lo] + (h - lo) * (draws[Math.min(lo + 1, draws.length - 1)] - draws[lo]);
  };
  return { value, n, lower: at(0.025), upper: at(0.975), tooFew: n < floor };
}
