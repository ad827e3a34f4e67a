/**
 * The "compute" step: battles -> leaderboard rows + matrices, composing the pure pieces
 * (collapse -> fit -> bootstrap -> ranks; online Elo; style control; pairwise matrices).
 *
 * Conventions (lmarena's): one rating scale, Bradley-Terry on the Elo scale (400 points per factor of 10
 * in the odds), anchored so a named model, or else the mean of the ranked models, sits at 1000; intervals
 * are bootstrap percentiles; rank = 1 + the number of ranked models whose interval lies wholly above.
 * Models with fewer than `minBattles` battles are fitted with the rest (they connect the comparison graph)
 * but are "preliminary": no rank, left out of the others' ranks and of the mean that sets the scale.
 */

import { collapseBattles, keepsBattle, toBattleTable } from "./battles";
import { bootstrapIntervals, ranksFromIntervals } from "./bootstrap";
import { DEFAULT_INIT_RATING, fitBradleyTerry, type RatingScale, thetaToRatings } from "./bt";
import { computeOnlineElo, type EloOptions } from "./elo";
import { pairwiseMatrices } from "./matrices";
import { fitStyleControlledBradleyTerry } from "./style";
import {
  type Anchor,
  type Battle,
  type BattleTable,
  STYLE_FEATURE_NAMES,
  type StyleFeatureName,
  type TieMode,
} from "./types";

export interface LeaderboardOptions {
  /** "half" (default): a tie or both-bad is half a win for each side; "drop": ties are left out everywhere. */
  ties?: TieMode;
  /** Bootstrap rounds for the intervals (default 100). 0 skips the bootstrap: intervals collapse to the estimate. */
  bootstrapRounds?: number;
  seed?: number;
  /** Interval coverage, default 0.95. */
  confidence?: number;
  /** Shift all ratings (BT, its intervals and style BT) so this model has this rating. */
  anchor?: Anchor;
  elo?: Omit<EloOptions, "ties">;
  /** Fit style control when battles carry style features (default true). */
  styleControl?: boolean;
  /** L2 penalty of the style-control fit (default 0.5). */
  styleL2?: number;
  /**
   * Battles a model needs to be ranked (default 0: every model is ranked). Fewer make it preliminary: a
   * handful of votes gives an estimate that can sit hundreds of points from the truth, and a model with
   * only wins has no finite maximum-likelihood rating at all.
   */
  minBattles?: number;
}

export interface LeaderboardRow {
  model: string;
  /** Online Elo in time order. */
  elo: number;
  /** Bradley-Terry rating: 400 * theta, shifted as `Leaderboard.scale` says. */
  bt: number;
  ciLower: number;
  ciUpper: number;
  /**
   * 1 + the number of ranked models whose lower bound is above this model's upper bound; null for a
   * preliminary model.
   */
  rank: number | null;
  /** Fewer battles than `minBattles`: listed apart, without a rank. */
  preliminary: boolean;
  /** Battles counted (ties excluded with ties = "drop"). */
  battles: number;
  /** (wins + ties/2) / battles, or wins / battles with ties = "drop". */
  winRate: number;
  /** Style-controlled BT rating, when this model's battles carry style features. */
  styleBt?: number;
}

export interface Leaderboard {
  /** Ranked models by BT rating, best first, then preliminary models by battles, most first. */
  rows: LeaderboardRow[];
  /** Model order of the matrices (same as `rows`). */
  models: string[];
  /** winRate[i][j]: score of models[i] against models[j] per battle; null if they never met. */
  winRate: (number | null)[][];
  battleCount: number[][];
  /** Battles counted in the ratings. */
  totalBattles: number;
  /** Whether the BT maximum-likelihood estimate exists; if not, a weak ridge kept ratings finite. */
  mleExists: boolean;
  style?: {
    coefficients: Record<StyleFeatureName, number>;
    battlesUsed: number;
  };
  /** What sits at the anchor rating: a named model, or the mean of the ranked (else of all) models. */
  scale: { anchor: Anchor } | { mean: number; of: "ranked" | "all" };
  options: {
    ties: TieMode;
    bootstrapRounds: number;
    seed: number;
    confidence: number;
    minBattles: number;
    anchor?: Anchor;
  };
}

/**
 * Computes the full leaderboard. Accepts battle objects or a prebuilt `BattleTable` (what
 * `readBattlesFile` returns). Empty input gives an empty board; throws `BattleInputError` on invalid
 * battles and RangeError on an anchor model without battles.
 * Time: O(n) for n battles + O(rounds * m^3) for m models (+ the style fit when features are present).
 */
export function computeLeaderboard(
  battles: readonly Battle[] | BattleTable,
  options: LeaderboardOptions = {},
): Leaderboard {
  const ties = options.ties ?? "half";
  const rounds = options.bootstrapRounds ?? 100;
  const seed = options.seed ?? 0;
  const confidence = options.confidence ?? 0.95;
  const minBattles = options.minBattles ?? 0;
  if (!(Number.isInteger(rounds) && rounds >= 0))
    throw new RangeError("bootstrapRounds must be a non-negative integer");
  if (!(Number.isInteger(minBattles) && minBattles >= 0))
    throw new RangeError("minBattles must be a non-negative integer");
  const table = countedOnly(Array.isArray(battles) ? toBattleTable(battles) : (battles as BattleTable), ties);
  const models = table.models;
  const m = models.length;
  const echo = { ties, bootstrapRounds: rounds, seed, confidence, minBattles, anchor: options.anchor };
  if (m === 0) {
    if (options.anchor)
      throw new RangeError(`anchor model ${JSON.stringify(options.anchor.model)} has no battles`);
    return {
      rows: [],
      models: [],
      winRate: [],
      battleCount: [],
      totalBattles: 0,
      mleExists: true,
      scale: options.anchor ? { anchor: options.anchor } : { mean: DEFAULT_INIT_RATING, of: "all" },
      options: echo,
    };
  }

  const pairwise = pairwiseMatrices(table, ties);
  const ranked: number[] = [];
  for (let i = 0; i < m; i++) if (pairwise.battles[i] >= minBattles) ranked.push(i);
  const scale: RatingScale = options.anchor ? { anchor: options.anchor } : { meanOf: ranked };
  const elo = computeOnlineElo(table, { ...options.elo, ties });
  const rows = collapseBattles(table, ties);
  const fit = fitBradleyTerry(rows);
  const bt = thetaToRatings(fit.theta, models, scale);
  let lower: Float64Array = bt;
  let upper: Float64Array = bt;
  if (rounds > 0) {
    const boot = bootstrapIntervals(rows, models, { ...scale, rounds, seed, confidence, init: fit.theta });
    lower = boot.lower;
    upper = boot.upper;
  }
  const rankedRank = ranksFromIntervals(
    ranked.map((i) => lower[i]),
    ranked.map((i) => upper[i]),
  );
  const rank: (number | null)[] = new Array(m).fill(null);
  ranked.forEach((i, k) => {
    rank[i] = rankedRank[k];
  });
  const styleFit =
    options.styleControl === false
      ? null
      : fitStyleControlledBradleyTerry(table, { ties, l2: options.styleL2 });
  const styleBt = styleFit ? thetaToRatings(styleFit.theta, models, scale) : null;

  const byName = (x: number, y: number) => (models[x] < models[y] ? -1 : models[x] > models[y] ? 1 : 0);
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => {
    const px = rank[x] === null ? 1 : 0;
    const py = rank[y] === null ? 1 : 0;
    if (px !== py) return px - py;
    if (px === 1) return pairwise.battles[y] - pairwise.battles[x] || byName(x, y);
    return bt[y] - bt[x] || byName(x, y);
  });
  const boardRows: LeaderboardRow[] = order.map((i) => {
    const row: LeaderboardRow = {
      model: models[i],
      elo: elo[i],
      bt: bt[i],
      ciLower: lower[i],
      ciUpper: upper[i],
      rank: rank[i],
      preliminary: rank[i] === null,
      battles: pairwise.battles[i],
      winRate: pairwise.overallWinRate[i] ?? 0,
    };
    if (styleBt && styleFit && styleFit.battlesPerModel[i] > 0) row.styleBt = styleBt[i];
    return row;
  });
  const result: Leaderboard = {
    rows: boardRows,
    models: order.map((i) => models[i]),
    winRate: order.map((i) => order.map((j) => pairwise.winRate[i][j])),
    battleCount: order.map((i) => order.map((j) => pairwise.battleCount[i][j])),
    totalBattles: table.length,
    mleExists: fit.mleExists,
    scale: options.anchor
      ? { anchor: options.anchor }
      : { mean: DEFAULT_INIT_RATING, of: ranked.length > 0 ? "ranked" : "all" },
    options: echo,
  };
  if (styleFit) {
    const coefficients = {} as Record<StyleFeatureName, number>;
    STYLE_FEATURE_NAMES.forEach((name, k) => {
      coefficients[name] = styleFit.coefficients[k];
    });
    result.style = { coefficients, battlesUsed: styleFit.battlesUsed };
  }
  return result;
}

/**
 * The table restricted to battles counted under the tie mode, with models that keep no battle removed
 * (a model seen only in dropped ties has no rating). Returns the input itself when nothing changes.
 */
export function countedOnly(table: BattleTable, ties: TieMode): BattleTable {
  const m = table.models.length;
  const seen = new Uint8Array(m);
  let kept = 0;
  for (let i = 0; i < table.length; i++) {
    if (keepsBattle(table.outcome[i], ties)) {
      kept++;
      seen[table.modelA[i]] = 1;
      seen[table.modelB[i]] = 1;
    }
  }
  let used = 0;
  for (let i = 0; i < m; i++) used += seen[i];
  if (kept === table.length && used === m) return table;
  const remap = new Int32Array(m).fill(-1);
  const models: string[] = [];
  for (let i = 0; i < m; i++) {
    if (seen[i]) {
      remap[i] = models.length;
      models.push(table.models[i]);
    }
  }
  const K = STYLE_FEATURE_NAMES.length;
  const out: BattleTable = {
    models,
    length: kept,
    modelA: new Int32Array(kept),
    modelB: new Int32Array(kept),
    outcome: new Uint8Array(kept),
    tstamp: new Float64Array(kept),
    styleA: table.styleA ? new Float64Array(kept * K) : undefined,
    styleB: table.styleB ? new Float64Array(kept * K) : undefined,
  };
  let r = 0;
  for (let i = 0; i < table.length; i++) {
    if (!keepsBattle(table.outcome[i], ties)) continue;
    out.modelA[r] = remap[table.modelA[i]];
    out.modelB[r] = remap[table.modelB[i]];
    out.outcome[r] = table.outcome[i];
    out.tstamp[r] = table.tstamp[i];
    if (table.styleA && out.styleA) out.styleA.set(table.styleA.subarray(i * K, i * K + K), r * K);
    if (table.styleB && out.styleB) out.styleB.set(table.styleB.subarray(i * K, i * K + K), r * K);
    r++;
  }
  return out;
}
