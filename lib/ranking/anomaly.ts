/**
 * Voter anomaly check, after Chatbot Arena's outlier test: does a voter disagree with the consensus far more
 * than chance?
 *
 * Statistic: the mean log-likelihood of a voter's votes under the fitted Bradley-Terry model
 * (P(A beats B) = 1 / (1 + 10^(theta_B - theta_A)); a tie or both-bad scores log sqrt(p (1 - p))).
 * Null: the same battles voted the way *other* voters voted on the same pair of models, i.e. each of the
 * voter's votes replaced by a draw from the other voters' votes on that pair (same orientation). Votes on a
 * pair nobody else voted on cannot be compared and are left out.
 * p-value (one-sided, low likelihood = disagreement): by Monte Carlo over `rounds` resampled vote sets when
 * the voter has at most `exactUpTo` comparable votes, else by the normal approximation with the null's exact
 * mean and variance (the statistic is a sum of independent draws, so the CLT is accurate at that size).
 * A voter with fewer than `minVotes` comparable votes is reported but never flagged.
 * Pure: no I/O; runs in the ratings worker and in tests.
 */
import { sfc32 } from "./random";
import { OUTCOME_A, OUTCOME_B } from "./types";

export interface AnomalyInput {
  /** Per vote: voter index (0..voters-1), models (indices into theta) and outcome (OUTCOME_* codes). */
  voter: ArrayLike<number>;
  modelA: ArrayLike<number>;
  modelB: ArrayLike<number>;
  outcome: ArrayLike<number>;
  /** BT strengths in base-10 logit units (rating = 400 * theta + c). */
  theta: ArrayLike<number>;
}

export interface AnomalyOptions {
  /** Comparable votes needed before a voter can be flagged (default 20). */
  minVotes?: number;
  /** Flag when the p-value is below this (default 0.001). */
  alpha?: number;
  /** Monte Carlo rounds (default 2000). */
  rounds?: number;
  /** Monte Carlo up to this many comparable votes, normal approximation above (default 200). */
  exactUpTo?: number;
  seed?: number;
}

export interface VoterAnomaly {
  voter: number;
  /** All of the voter's votes. */
  votes: number;
  /** Votes on pairs other voters also voted on. */
  comparable: number;
  /** Mean log-likelihood (natural log) of the voter's comparable votes under the model. */
  meanLogLik: number;
  /** Mean log-likelihood expected under the null (other voters' votes on the same pairs). */
  nullMeanLogLik: number;
  /** (observed - null mean) / null sd of the sum; very negative = disagrees with the consensus. */
  z: number;
  pValue: number;
  /** Share of the voter's decisive comparable votes that went to the higher-rated model. */
  agreement: number;
  flagged: boolean;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf; error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp((-x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

export function detectAnomalousVoters(input: AnomalyInput, options: AnomalyOptions = {}): VoterAnomaly[] {
  const minVotes = options.minVotes ?? 20;
  const alpha = options.alpha ?? 0.001;
  const rounds = options.rounds ?? 2000;
  const exactUpTo = options.exactUpTo ?? 200;
  const rng = sfc32(options.seed ?? 0);
  const n = input.voter.length;
  const m = input.theta.length;

  // Per unordered pair (lo, hi): counts of "lo won", "hi won", tie, overall and per voter.
  const pairOf = (a: number, b: number) => (a < b ? a * m + b : b * m + a);
  const total = new Map<number, [number, number, number]>();
  const own = new Map<string, [number, number, number]>();
  const byVoter = new Map<number, number[]>();
  const slot = (a: number, o: number) =>
    o === OUTCOME_A ? (a === 0 ? 0 : 1) : o === OUTCOME_B ? (a === 0 ? 1 : 0) : 2;
  for (let i = 0; i < n; i++) {
    const a = input.modelA[i];
    const b = input.modelB[i];
    const key = pairOf(a, b);
    const s = slot(a < b ? 0 : 1, input.outcome[i]);
    let t = total.get(key);
    if (!t) {
      t = [0, 0, 0];
      total.set(key, t);
    }
    t[s]++;
    const ok = `${input.voter[i]}:${key}`;
    let o = own.get(ok);
    if (!o) {
      o = [0, 0, 0];
      own.set(ok, o);
    }
    o[s]++;
    let list = byVoter.get(input.voter[i]);
    if (!list) {
      list = [];
      byVoter.set(input.voter[i], list);
    }
    list.push(i);
  }

  const out: VoterAnomaly[] = [];
  for (const [voter, rows] of [...byVoter].sort((x, y) => x[0] - y[0])) {
    // Per comparable vote: log-likelihoods of (A wins, B wins, tie) and the null's probabilities.
    const ll: number[][] = [];
    const q: number[][] = [];
    let observed = 0;
    let decisive = 0;
    let agreeing = 0;
    for (const i of rows) {
      const a = input.modelA[i];
      const b = input.modelB[i];
      const key = pairOf(a, b);
      const t = total.get(key) as [number, number, number];
      const o = own.get(`${voter}:${key}`) as [number, number, number];
      const others = [t[0] - o[0], t[1] - o[1], t[2] - o[2]];
      const sum = others[0] + others[1] + others[2];
      if (sum === 0) continue;
      // Orient the others' counts to this vote's (A, B).
      const [cA, cB] = a < b ? [others[0], others[1]] : [others[1], others[0]];
      const p = 1 / (1 + 10 ** (input.theta[b] - input.theta[a]));
      const lA = Math.log(Math.max(p, 1e-12));
      const lB = Math.log(Math.max(1 - p, 1e-12));
      const l = [lA, lB, (lA + lB) / 2];
      ll.push(l);
      q.push([cA / sum, cB / sum, others[2] / sum]);
      const o2 = input.outcome[i];
      observed += o2 === OUTCOME_A ? lA : o2 === OUTCOME_B ? lB : l[2];
      if (o2 === OUTCOME_A || o2 === OUTCOME_B) {
        decisive++;
        if ((o2 === OUTCOME_A) === p >= 0.5) agreeing++;
      }
    }
    const k = ll.length;
    let mean = 0;
    let variance = 0;
    for (let j = 0; j < k; j++) {
      const e = q[j][0] * ll[j][0] + q[j][1] * ll[j][1] + q[j][2] * ll[j][2];
      const e2 = q[j][0] * ll[j][0] ** 2 + q[j][1] * ll[j][1] ** 2 + q[j][2] * ll[j][2] ** 2;
      mean += e;
      variance += Math.max(0, e2 - e * e);
    }
    const sd = Math.sqrt(variance);
    const z = sd > 0 ? (observed - mean) / sd : 0;
    let pValue = 1;
    if (k > 0 && sd > 0) {
      if (k <= exactUpTo) {
        let atMost = 0;
        for (let r = 0; r < rounds; r++) {
          let s = 0;
          for (let j = 0; j < k; j++) {
            const u = rng();
            s += u < q[j][0] ? ll[j][0] : u < q[j][0] + q[j][1] ? ll[j][1] : ll[j][2];
          }
          if (s <= observed + 1e-12) atMost++;
        }
        pValue = (1 + atMost) / (rounds + 1);
      } else {
        pValue = normalCdf(z);
      }
    }
    out.push({
      voter,
      votes: rows.length,
      comparable: k,
      meanLogLik: k > 0 ? observed / k : 0,
      nullMeanLogLik: k > 0 ? mean / k : 0,
      z,
      pValue,
      agreement: decisive > 0 ? agreeing / decisive : 0,
      flagged: k >= minVotes && pValue < alpha,
    });
  }
  return out;
}
