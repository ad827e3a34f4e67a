/** Pairwise matrices for the leaderboard's heatmaps. */
import { type BattleTable, OUTCOME_A, OUTCOME_B, type TieMode } from "./types";

export interface PairwiseMatrices {
  /** battleCount[i][j] = battles between models i and j counted under the tie mode (symmetric). */
  battleCount: number[][];
  /**
   * winRate[i][j] = score of i against j / battles between them, where a win scores 1 and a tie 1/2
   * (ties left out with ties = "drop"); null when they never met. winRate[i][j] + winRate[j][i] = 1.
   */
  winRate: (number | null)[][];
  /** Per model: battles, and overall score / battles (null with no battles). */
  battles: number[];
  overallWinRate: (number | null)[];
}

/** Battle-count and win-rate matrices in `table.models` order. Time: O(n + m^2). */
export function pairwiseMatrices(table: BattleTable, ties: TieMode = "half"): PairwiseMatrices {
  const m = table.models.length;
  const count = new Float64Array(m * m);
  const score = new Float64Array(m * m);
  const dropTies = ties === "drop";
  for (let r = 0; r < table.length; r++) {
    const a = table.modelA[r];
    const b = table.modelB[r];
    const o = table.outcome[r];
    let sa: number;
    if (o === OUTCOME_A) sa = 1;
    else if (o === OUTCOME_B) sa = 0;
    else if (dropTies) continue;
    else sa = 0.5;
    count[a * m + b]++;
    count[b * m + a]++;
    score[a * m + b] += sa;
    score[b * m + a] += 1 - sa;
  }
  const battleCount: number[][] = [];
  const winRate: (number | null)[][] = [];
  const battles: number[] = [];
  const overallWinRate: (number | null)[] = [];
  for (let i = 0; i < m; i++) {
    const cRow: number[] = [];
    const wRow: (number | null)[] = [];
    let total = 0;
    let totalScore = 0;
    for (let j = 0; j < m; j++) {
      const c = count[i * m + j];
      cRow.push(c);
      wRow.push(c > 0 ? score[i * m + j] / c : null);
      total += c;
      totalScore += score[i * m + j];
    }
    battleCount.push(cRow);
    winRate.push(wRow);
    battles.push(total);
    overallWinRate.push(total > 0 ? totalScore / total : null);
  }
  return { battleCount, winRate, battles, overallWinRate };
}
