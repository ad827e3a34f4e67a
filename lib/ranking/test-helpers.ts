/** Shared helpers for the ranking tests: battle simulation and a naive logistic-regression oracle. */
import { type Rng, sfc32 } from "./random";
import type { Battle, Winner } from "./types";

/** Simulates battles between random distinct pairs with true base-10 strengths `theta` and a tie rate. */
export function simulateBattles(theta: number[], n: number, seed: number, tieRate = 0): Battle[] {
  const rng = sfc32(seed);
  const m = theta.length;
  const out: Battle[] = [];
  for (let t = 0; t < n; t++) {
    const a = Math.floor(rng() * m);
    let b = Math.floor(rng() * (m - 1));
    if (b >= a) b++;
    out.push({
      modelA: `m${a}`,
      modelB: `m${b}`,
      winner: drawWinner(rng, theta[a] - theta[b], tieRate),
      tstamp: t,
    });
  }
  return out;
}

function drawWinner(rng: Rng, diff: number, tieRate: number): Winner {
  if (tieRate > 0 && rng() < tieRate) return rng() < 0.5 ? "tie" : "tie (bothbad)";
  const p = 1 / (1 + 10 ** -diff);
  return rng() < p ? "model_a" : "model_b";
}

/**
 * Plain logistic regression by dense IRLS (Newton) on one row per observation: minimises
 * sum_r -[y_r log s(x_r.b) + (1 - y_r) log(1 - s(x_r.b))] + l2/2 |b|^2. Naive O(n d^2) per step: an oracle.
 */
export function logisticRegression(X: number[][], y: number[], l2 = 0): number[] {
  const d = X[0].length;
  let beta = new Array(d).fill(0);
  for (let it = 0; it < 200; it++) {
    const g = new Array(d).fill(0);
    const H = Array.from({ length: d }, () => new Array(d).fill(0));
    for (let r = 0; r < X.length; r++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += X[r][j] * beta[j];
      const s = 1 / (1 + Math.exp(-z));
      for (let j = 0; j < d; j++) {
        g[j] += (s - y[r]) * X[r][j];
        for (let k = 0; k < d; k++) H[j][k] += s * (1 - s) * X[r][j] * X[r][k];
      }
    }
    for (let j = 0; j < d; j++) {
      g[j] += l2 * beta[j];
      H[j][j] += l2;
    }
    const step = gaussSolve(
      H,
      g.map((v) => -v),
    );
    beta = beta.map((b, j) => b + step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-13) break;
  }
  return beta;
}

/** Gaussian elimination with partial pivoting. */
function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/** Battles from a win table: wins[i][j] = times i beat j. */
export function battlesFromWins(names: string[], wins: number[][]): Battle[] {
  const out: Battle[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = 0; j < names.length; j++) {
      for (let k = 0; k < wins[i][j]; k++) {
        // Alternate sides so the table order does not matter.
        out.push(
          k % 2 === 0
            ? { modelA: names[i], modelB: names[j], winner: "model_a" }
            : { modelA: names[j], modelB: names[i], winner: "model_b" },
        );
      }
    }
  }
  return out;
}
