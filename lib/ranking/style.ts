/**
 * Style control (Chatbot Arena, "Does style matter?", 2024): a second BT fit with covariates for answer
 * style, so a model's rating is credited for content rather than for length or markdown decoration.
 * For each feature the covariate is (a - b) / (a + b + 1) between A's and B's answers, standardised over
 * the battles; the logit is ln10 * (theta_a - theta_b + sum_k gamma_k z_k), with an L2 penalty on all
 * parameters (FastChat `fit_contextual_bt`, reg = 0.5).
 */
import { LN10 } from "./bt";
import { choleskySolve } from "./linalg";
import {
  type BattleTable,
  OUTCOME_A,
  OUTCOME_B,
  STYLE_FEATURE_NAMES,
  type StyleFeatures,
  type TieMode,
} from "./types";

const FENCE = /^\s{0,3}(```|~~~)/;
const HEADER = /^\s{0,3}#{1,6}\s+\S/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+\S/;
const BOLD = /\*\*(?=\S)[^*\n]*?\S\*\*|__(?=\S)[^_\n]*?\S__/g;
const CITATION = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

/**
 * Counts the style features of a markdown answer. Headers, list items and bold spans inside fenced code
 * blocks are not counted; length counts whitespace-separated words of the whole answer.
 * Time: O(length of the answer).
 */
export function extractStyleFeatures(markdown: string): StyleFeatures {
  const length = markdown.match(/\S+/g)?.length ?? 0;
  let citations = 0;
  for (const match of markdown.matchAll(CITATION)) citations += match[1].split(/[,;]/).length;
  let headers = 0;
  let lists = 0;
  let bold = 0;
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (HEADER.test(line)) headers++;
    else if (LIST_ITEM.test(line)) lists++;
    bold += line.match(BOLD)?.length ?? 0;
  }
  return { length, citations, headers, lists, bold };
}

export interface StyleFitOptions {
  ties?: TieMode;
  /** L2 penalty on ratings and coefficients (sum-of-squares / 2 scale); FastChat uses 0.5. */
  l2?: number;
  tol?: number;
  maxIter?: number;
}

export interface StyleFit {
  /** Style-controlled strengths, base-10 logit units, mean 0: [nModels]. */
  theta: Float64Array;
  /** Coefficient per standardised covariate, in STYLE_FEATURE_NAMES order: [5]. */
  coefficients: Float64Array;
  /** Mean and standard deviation used to standardise each covariate: [5]. */
  featureMean: Float64Array;
  featureStd: Float64Array;
  /** Battles that had style features on both sides (and survived the tie mode). */
  battlesUsed: number;
  /** Per model, how many of those battles it was in: [nModels] (a model with 0 has no style rating). */
  battlesPerModel: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * Style-controlled BT on the battles of `table` that carry style features. Returns null when none do.
 * Shapes: per-battle design rows [n x (m + 5)] (never materialised); Hessian [(m+5) x (m+5)].
 * Time: O(iterations * (n * 49 + (m + 5)^3)).
 */
export function fitStyleControlledBradleyTerry(
  table: BattleTable,
  options: StyleFitOptions = {},
): StyleFit | null {
  const { styleA, styleB } = table;
  if (!styleA || !styleB) return null;
  const K = STYLE_FEATURE_NAMES.length;
  const m = table.models.length;
  const l2 = options.l2 ?? 0.5;
  const tol = options.tol ?? 1e-10;
  const maxIter = options.maxIter ?? 100;
  const dropTies = options.ties === "drop";
  // Select battles and compute raw covariates.
  const idx: number[] = [];
  for (let i = 0; i < table.length; i++) {
    if (Number.isNaN(styleA[i * K]) || Number.isNaN(styleB[i * K])) continue;
    const o = table.outcome[i];
    if (dropTies && o !== OUTCOME_A && o !== OUTCOME_B) continue;
    idx.push(i);
  }
  const n = idx.length;
  if (n === 0) return null;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const y = new Float64Array(n);
  const z = new Float64Array(n * K);
  const battlesPerModel = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    const i = idx[r];
    a[r] = table.modelA[i];
    b[r] = table.modelB[i];
    battlesPerModel[a[r]]++;
    battlesPerModel[b[r]]++;
    const o = table.outcome[i];
    y[r] = o === OUTCOME_A ? 1 : o === OUTCOME_B ? 0 : 0.5;
    for (let k = 0; k < K; k++) {
      const fa = styleA[i * K + k];
      const fb = styleB[i * K + k];
      z[r * K + k] = (fa - fb) / (fa + fb + 1);
    }
  }
  const featureMean = new Float64Array(K);
  const featureStd = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += z[r * K + k];
    const mean = s / n;
    let v = 0;
    for (let r = 0; r < n; r++) v += (z[r * K + k] - mean) ** 2;
    const std = Math.sqrt(v / n);
    featureMean[k] = mean;
    featureStd[k] = std;
    // A constant covariate carries no information: zero it rather than divide by 0.
    for (let r = 0; r < n; r++) z[r * K + k] = std > 0 ? (z[r * K + k] - mean) / std : 0;
  }

  const D = m + K;
  const w = new Float64Array(D);
  const g = new Float64Array(D);
  const H = new Float64Array(D * D);
  const step = new Float64Array(D);
  const trial = new Float64Array(D);
  const logit = (p: Float64Array, r: number) => {
    let t = p[a[r]] - p[b[r]];
    for (let k = 0; k < K; k++) t += p[m + k] * z[r * K + k];
    return LN10 * t;
  };
  const objective = (p: Float64Array) => {
    let f = 0;
    for (let r = 0; r < n; r++) {
      const d = logit(p, r);
      // -[y log s(d) + (1-y) log s(-d)] = softplus(d) - y d, computed stably.
      f += (d > 0 ? d + Math.log1p(Math.exp(-d)) : Math.log1p(Math.exp(d))) - y[r] * d;
    }
    let ss = 0;
    for (let j = 0; j < D; j++) ss += p[j] * p[j];
    return f + 0.5 * l2 * ss;
  };
  const cols = new Int32Array(2 + K);
  const vals = new Float64Array(2 + K);
  for (let k = 0; k < K; k++) cols[2 + k] = m + k;
  let f = objective(w);
  let iterations = 0;
  let converged = false;
  while (!converged && iterations < maxIter) {
    iterations++;
    g.fill(0);
    H.fill(0);
    for (let r = 0; r < n; r++) {
      const d = logit(w, r);
      const s = 1 / (1 + Math.exp(-d));
      cols[0] = a[r];
      cols[1] = b[r];
      vals[0] = LN10;
      vals[1] = -LN10;
      for (let k = 0; k < K; k++) vals[2 + k] = LN10 * z[r * K + k];
      const resid = s - y[r];
      const h = s * (1 - s);
      for (let u = 0; u < cols.length; u++) {
        const cu = cols[u];
        g[cu] += resid * vals[u];
        const hv = h * vals[u];
        for (let v = 0; v < cols.length; v++) H[cu * D + cols[v]] += hv * vals[v];
      }
    }
    for (let j = 0; j < D; j++) {
      g[j] += l2 * w[j];
      H[j * D + j] += l2;
      step[j] = -g[j];
    }
    if (!choleskySolve(H, step, D))
      throw new Error("style-control Hessian is not positive definite (l2 must be > 0)");
    let slope = 0;
    for (let j = 0; j < D; j++) slope += g[j] * step[j];
    // Near the optimum the decrease falls below the rounding error of f (a sum over up to millions of
    // battles); allow that much so the quadratically converging full step is taken.
    const roundoff = 1e-12 * (Math.abs(f) + 1);
    let t = 1;
    let fNew = f;
    for (let k = 0; k < 60; k++) {
      for (let j = 0; j < D; j++) trial[j] = w[j] + t * step[j];
      fNew = objective(trial);
      if (fNew <= f + 1e-4 * t * slope + roundoff) break;
      t *= 0.5;
    }
    let maxStep = 0;
    for (let j = 0; j < D; j++) {
      maxStep = Math.max(maxStep, Math.abs(trial[j] - w[j]));
      w[j] = trial[j];
    }
    f = fNew;
    if (maxStep < tol) converged = true;
  }
  const theta = w.slice(0, m);
  // With the ridge on all ratings the optimum already has mean(theta) = 0; re-centre against rounding.
  let mean = 0;
  for (let i = 0; i < m; i++) mean += theta[i];
  mean /= m;
  for (let i = 0; i < m; i++) theta[i] -= mean;
  return {
    theta,
    coefficients: w.slice(m),
    featureMean,
    featureStd,
    battlesUsed: n,
    battlesPerModel,
    iterations,
    converged,
  };
}
