/**
 * Bradley-Terry by maximum likelihood (the "pure fit" step).
 *
 * Model: P(i beats j) = 1 / (1 + 10^(theta_j - theta_i)), theta in base-10 logit units (FastChat's
 * `fit_bt` with alpha = ln 10), so a rating 400 * theta + 1000 reads like Elo. A tie scores 1/2 for each
 * side (equivalently: half a win each way). Fitted by Newton's method on the pair-aggregated
 * likelihood, which is exact (the log-likelihood only depends on each pair's total score and count).
 */
import type { CollapsedRows } from "./battles";
import { choleskySolve } from "./linalg";
import type { Anchor } from "./types";

export const LN10 = Math.LN10;
/** Elo-like display scale: 400 points = a factor 10 in odds (Elo's convention, kept by Chatbot Arena). */
export const DEFAULT_SCALE = 400;
/** Rating of the average model when no anchor is given. */
export const DEFAULT_INIT_RATING = 1000;
/**
 * Ridge used when the maximum-likelihood estimate does not exist (the "beats" graph is not strongly
 * connected: some group of models never lost to the rest, e.g. a model with only wins, or the models fall
 * into unconnected groups). A weak Gaussian prior on theta (sd 10 = 4000 rating points) keeps every rating
 * finite; its effect on well-connected models with hundreds of battles is far below 0.01 points.
 */
export const FALLBACK_L2 = 0.01;

export interface BtFitOptions {
  /**
   * L2 penalty lambda/2 * sum(theta^2) on the natural log-likelihood. "auto" (default): 0 when the MLE
   * exists, FALLBACK_L2 otherwise.
   */
  l2?: number | "auto";
  /** Row weights overriding `rows.count` (bootstrap resamples). Same length as the rows. */
  weights?: ArrayLike<number>;
  /** Starting point (warm start), length nModels. */
  init?: ArrayLike<number>;
  /** Stop when the largest Newton step is below this (theta units). Default 1e-10. */
  tol?: number;
  maxIter?: number;
}

export interface BtFit {
  /** Strengths in base-10 logit units, mean 0 (length nModels). */
  theta: Float64Array;
  /** Penalty actually used (0 unless the MLE does not exist or one was asked for). */
  l2: number;
  /** Whether the MLE exists (strongly connected comparison graph). */
  mleExists: boolean;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

interface PairIndex {
  /** Unique pairs. */
  pi: Int32Array;
  pj: Int32Array;
  /** Pair of each row and whether the row's `lo` is the pair's first model. */
  rowPair: Int32Array;
  rowForward: Uint8Array;
}

const pairCache = new WeakMap<CollapsedRows, PairIndex>();

function pairIndex(rows: CollapsedRows): PairIndex {
  const cached = pairCache.get(rows);
  if (cached) return cached;
  const n = rows.lo.length;
  const key = new Map<number, number>();
  const pi: number[] = [];
  const pj: number[] = [];
  const rowPair = new Int32Array(n);
  const rowForward = new Uint8Array(n);
  const m = rows.nModels;
  for (let r = 0; r < n; r++) {
    const a = rows.lo[r];
    const b = rows.hi[r];
    const i = Math.min(a, b);
    const j = Math.max(a, b);
    const k = i * m + j;
    let p = key.get(k);
    if (p === undefined) {
      p = pi.length;
      key.set(k, p);
      pi.push(i);
      pj.push(j);
    }
    rowPair[r] = p;
    rowForward[r] = a === i ? 1 : 0;
  }
  const idx = { pi: Int32Array.from(pi), pj: Int32Array.from(pj), rowPair, rowForward };
  pairCache.set(rows, idx);
  return idx;
}

/**
 * True when every model can reach every other through "scored against" edges in both directions: the
 * condition (Zermelo 1929, Ford 1957) for the BT maximum-likelihood estimate to exist and be unique.
 */
export function mleExists(
  nModels: number,
  pi: Int32Array,
  pj: Int32Array,
  wi: Float64Array,
  wj: Float64Array,
) {
  if (nModels <= 1) return true;
  // Fast path: when every pair scored both ways, edges are symmetric and strong = weak connectivity.
  let symmetric = true;
  for (let p = 0; p < pi.length && symmetric; p++) symmetric = wi[p] > 0 && wj[p] > 0;
  if (symmetric) {
    const parent = new Int32Array(nModels);
    for (let i = 0; i < nModels; i++) parent[i] = i;
    const find = (x: number): number => {
      let r = x;
      while (parent[r] !== r) {
        parent[r] = parent[parent[r]];
        r = parent[r];
      }
      return r;
    };
    let components = nModels;
    for (let p = 0; p < pi.length; p++) {
      const a = find(pi[p]);
      const b = find(pj[p]);
      if (a !== b) {
        parent[a] = b;
        components--;
      }
    }
    return components === 1;
  }
  const fwd: number[][] = Array.from({ length: nModels }, () => []);
  const bwd: number[][] = Array.from({ length: nModels }, () => []);
  for (let p = 0; p < pi.length; p++) {
    // Edge u -> v when u scored against v.
    if (wi[p] > 0) {
      fwd[pi[p]].push(pj[p]);
      bwd[pj[p]].push(pi[p]);
    }
    if (wj[p] > 0) {
      fwd[pj[p]].push(pi[p]);
      bwd[pi[p]].push(pj[p]);
    }
  }
  const reachesAll = (adj: number[][]) => {
    const seen = new Uint8Array(nModels);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (const v of adj[u]) {
        if (!seen[v]) {
          seen[v] = 1;
          count++;
          stack.push(v);
        }
      }
    }
    return count === nModels;
  };
  return reachesAll(fwd) && reachesAll(bwd);
}

/**
 * Fits BT strengths to weighted (pair, score) rows by maximum likelihood.
 * Shapes: rows.lo, rows.hi, rows.score, rows.count: [R]; result theta: [nModels].
 * Time: O(R + iterations * (P + m^3)) for P distinct pairs and m models; Newton converges in ~5-8 steps.
 */
export function fitBradleyTerry(rows: CollapsedRows, options: BtFitOptions = {}): BtFit {
  const m = rows.nModels;
  const tol = options.tol ?? 1e-10;
  const maxIter = options.maxIter ?? 100;
  const weights = options.weights ?? rows.count;
  const { pi, pj, rowPair, rowForward } = pairIndex(rows);
  const P = pi.length;
  // Aggregate rows into per-pair scores: wi = score of pi against pj, wj = score of pj against pi.
  const wi = new Float64Array(P);
  const wj = new Float64Array(P);
  for (let r = 0; r < rowPair.length; r++) {
    const w = weights[r];
    if (w === 0) continue;
    const s = rows.score[r];
    const p = rowPair[r];
    if (rowForward[r]) {
      wi[p] += w * s;
      wj[p] += w * (1 - s);
    } else {
      wi[p] += w * (1 - s);
      wj[p] += w * s;
    }
  }
  const exists = mleExists(m, pi, pj, wi, wj);
  const l2 = options.l2 === undefined || options.l2 === "auto" ? (exists ? 0 : FALLBACK_L2) : options.l2;
  const theta = new Float64Array(m);
  if (options.init) for (let i = 0; i < m; i++) theta[i] = options.init[i];
  center(theta);

  // Per-pair sigmoid(d) at the last point the objective was evaluated at, reused by the next Newton step:
  // one exp and one log1p per pair per iteration.
  const sig = new Float64Array(P);
  const objective = (t: Float64Array): number => {
    let f = 0;
    for (let p = 0; p < P; p++) {
      const d = LN10 * (t[pi[p]] - t[pj[p]]);
      const e = Math.exp(-Math.abs(d));
      sig[p] = d >= 0 ? 1 / (1 + e) : e / (1 + e);
      // -wi log s(d) - wj log s(-d) = wi softplus(-d) + wj softplus(d), softplus(x) = max(x, 0) + log1p(e^-|x|).
      f += (d < 0 ? -wi[p] * d : wj[p] * d) + (wi[p] + wj[p]) * Math.log1p(e);
    }
    if (l2 > 0) for (let i = 0; i < m; i++) f += 0.5 * l2 * t[i] * t[i];
    return f;
  };

  const g = new Float64Array(m);
  const H = new Float64Array(m * m);
  const step = new Float64Array(m);
  const trial = new Float64Array(m);
  let f = objective(theta);
  let iterations = 0;
  let converged = m <= 1;
  while (!converged && iterations < maxIter) {
    iterations++;
    g.fill(0);
    H.fill(0);
    for (let p = 0; p < P; p++) {
      const i = pi[p];
      const j = pj[p];
      const n = wi[p] + wj[p];
      if (n === 0) continue;
      const s = sig[p];
      const gi = -LN10 * (wi[p] - n * s);
      g[i] += gi;
      g[j] -= gi;
      const h = LN10 * LN10 * n * s * (1 - s);
      H[i * m + i] += h;
      H[j * m + j] += h;
      H[i * m + j] -= h;
      H[j * m + i] -= h;
    }
    // The likelihood is invariant to adding a constant to theta: adding c * 11^T removes that null
    // direction without changing steps orthogonal to 1 (the gradient is orthogonal to 1 when mean(theta)=0).
    let diag = 0;
    for (let i = 0; i < m; i++) diag += H[i * m + i];
    const c = diag / m + 1e-12;
    for (let i = 0; i < m; i++) {
      g[i] += l2 * theta[i];
      for (let j = 0; j < m; j++) H[i * m + j] += c / m;
      H[i * m + i] += l2;
    }
    for (let i = 0; i < m; i++) step[i] = -g[i];
    if (!choleskySolve(H, step, m)) {
      // Disconnected models without a penalty (only possible with l2 = 0 forced): gradient step.
      for (let i = 0; i < m; i++) step[i] = -g[i] / (c + 1);
    }
    let maxStep = 0;
    for (let i = 0; i < m; i++) maxStep = Math.max(maxStep, Math.abs(step[i]));
    if (maxStep < tol) {
      // Quadratic convergence: this last step is far below tolerance; take it without a line search.
      for (let i = 0; i < m; i++) theta[i] += step[i];
      converged = true;
      break;
    }
    let slope = 0;
    for (let i = 0; i < m; i++) slope += g[i] * step[i];
    // Near the optimum the decrease falls below the rounding error of f (a sum over up to millions of
    // battles); allow that much so the quadratically converging full step is taken.
    const roundoff = 1e-12 * (Math.abs(f) + 1);
    // Backtracking line search (Armijo); Newton's full step is accepted near the optimum.
    let t = 1;
    let fNew = f;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < m; i++) trial[i] = theta[i] + t * step[i];
      fNew = objective(trial);
      if (fNew <= f + 1e-4 * t * slope + roundoff) break;
      t *= 0.5;
    }
    theta.set(trial);
    f = fNew;
  }
  center(theta);
  return {
    theta,
    l2,
    mleExists: exists,
    logLikelihood: -f + penalty(theta, l2),
    iterations,
    converged,
  };
}

function penalty(theta: Float64Array, l2: number): number {
  let s = 0;
  for (let i = 0; i < theta.length; i++) s += theta[i] * theta[i];
  return 0.5 * l2 * s;
}

function center(theta: Float64Array): void {
  if (theta.length === 0) return;
  let mean = 0;
  for (let i = 0; i < theta.length; i++) mean += theta[i];
  mean /= theta.length;
  for (let i = 0; i < theta.length; i++) theta[i] -= mean;
}

export interface RatingScale {
  /** Points per factor of 10 in the odds (default 400). */
  scale?: number;
  /** Rating of the mean model (default 1000), unless an anchor names a model. */
  initRating?: number;
  /** A named model that sits at a given rating; overrides `initRating` and `meanOf`. */
  anchor?: Anchor;
  /**
   * Indices of the models whose mean rating is `initRating` (default: all models). The leaderboard passes
   * the ranked models, so preliminary models with extreme estimates do not move the scale.
   */
  meanOf?: readonly number[];
}

/**
 * theta -> display ratings `scale * theta + c`, with c chosen so the anchor model (if given) has exactly
 * the anchor rating, else so the mean rating of `meanOf` (default: all models) is `initRating`. Only
 * differences of theta matter, so every choice of c describes the same fit. Throws RangeError if the
 * anchor model is unknown. Time O(models).
 */
export function thetaToRatings(theta: ArrayLike<number>, models: readonly string[], opts: RatingScale = {}) {
  const scale = opts.scale ?? DEFAULT_SCALE;
  const init = opts.initRating ?? DEFAULT_INIT_RATING;
  const out = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) out[i] = scale * theta[i];
  let shift = init;
  if (opts.anchor) {
    const k = models.indexOf(opts.anchor.model);
    if (k < 0) throw new RangeError(`anchor model ${JSON.stringify(opts.anchor.model)} has no battles`);
    shift = opts.anchor.rating - out[k];
  } else if (opts.meanOf && opts.meanOf.length > 0) {
    let sum = 0;
    for (const k of opts.meanOf) sum += out[k];
    shift = init - sum / opts.meanOf.length;
  } else if (theta.length > 0) {
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += out[i];
    shift = init - sum / out.length;
  }
  for (let i = 0; i < out.length; i++) out[i] += shift;
  return out;
}
