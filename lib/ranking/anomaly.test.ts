import assert from "node:assert/strict";
import { test } from "node:test";
import { detectAnomalousVoters, normalCdf } from "./anomaly";
import { computeLeaderboard } from "./leaderboard";
import { sfc32 } from "./random";
import { type Battle, OUTCOME_A, OUTCOME_B, OUTCOME_TIE } from "./types";

const THETA = [0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4];

type Kind = "honest" | "random" | "inverted";

/** Simulated voters: honest ones vote by the true BT model (10% ties), random ones flip coins, inverted ones favour the weaker model. */
function simulate(kinds: Kind[], votesEach: number, seed: number) {
  const rng = sfc32(seed);
  const voter: number[] = [];
  const modelA: number[] = [];
  const modelB: number[] = [];
  const outcome: number[] = [];
  const m = THETA.length;
  kinds.forEach((kind, v) => {
    for (let t = 0; t < votesEach; t++) {
      const a = Math.floor(rng() * m);
      let b = Math.floor(rng() * (m - 1));
      if (b >= a) b++;
      const p = 1 / (1 + 10 ** (THETA[b] - THETA[a]));
      let o: number;
      if (kind === "honest") o = rng() < 0.1 ? OUTCOME_TIE : rng() < p ? OUTCOME_A : OUTCOME_B;
      else if (kind === "random") o = rng() < 0.5 ? OUTCOME_A : OUTCOME_B;
      else o = rng() < p ? OUTCOME_B : OUTCOME_A;
      voter.push(v);
      modelA.push(a);
      modelB.push(b);
      outcome.push(o);
    }
  });
  return { voter, modelA, modelB, outcome };
}

test("normalCdf matches known values", () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(-1.959964) - 0.025) < 1e-6);
  assert.ok(Math.abs(normalCdf(3.090232) - 0.999) < 1e-6);
});

test("flags random and inverted voters, not honest ones (ratings fitted from the same votes)", () => {
  const kinds: Kind[] = [...Array(60).fill("honest"), "random", "random", "random", "inverted", "inverted"];
  const sim = simulate(kinds, 80, 7);
  // Fit BT from all votes, as the app does, then map ratings back to base-10 theta.
  const names = THETA.map((_, i) => `m${i}`);
  const battles: Battle[] = sim.voter.map((_, i) => ({
    modelA: names[sim.modelA[i]],
    modelB: names[sim.modelB[i]],
    winner: sim.outcome[i] === OUTCOME_A ? "model_a" : sim.outcome[i] === OUTCOME_B ? "model_b" : "tie",
  }));
  const board = computeLeaderboard(battles, { bootstrapRounds: 0, styleControl: false });
  const bt = new Map(board.rows.map((r) => [r.model, r.bt]));
  const theta = names.map((n) => ((bt.get(n) ?? 1000) - 1000) / 400);
  const result = detectAnomalousVoters({ ...sim, theta }, { seed: 1 });
  assert.equal(result.length, kinds.length);
  const flagged = result.filter((r) => r.flagged).map((r) => r.voter);
  for (const v of [60, 61, 62, 63, 64]) assert.ok(flagged.includes(v), `voter ${v} (${kinds[v]}) flagged`);
  const honestFlagged = flagged.filter((v) => kinds[v] === "honest");
  assert.ok(honestFlagged.length <= 1, `honest voters flagged: ${honestFlagged.join(", ")}`);
  // Inverted voters side with the weaker model; honest ones mostly with the stronger.
  assert.ok(result[63].agreement < 0.3);
  assert.ok(result[0].agreement > 0.6);
});

test("honest voters' p-values are roughly uniform (few below 0.05)", () => {
  const kinds: Kind[] = Array(200).fill("honest");
  const sim = simulate(kinds, 40, 3);
  const result = detectAnomalousVoters({ ...sim, theta: THETA }, { seed: 2, rounds: 500 });
  const low = result.filter((r) => r.pValue < 0.05).length;
  assert.ok(low <= 25, `${low} of 200 honest voters below p = 0.05`);
  assert.equal(result.filter((r) => r.flagged).length, 0);
});

test("the normal approximation agrees with Monte Carlo", () => {
  const kinds: Kind[] = [...Array(30).fill("honest"), "random"];
  const sim = simulate(kinds, 150, 11);
  const mc = detectAnomalousVoters({ ...sim, theta: THETA }, { seed: 4, exactUpTo: 1000, rounds: 4000 });
  const approx = detectAnomalousVoters({ ...sim, theta: THETA }, { exactUpTo: 0 });
  for (const v of [0, 1, 2, 30]) assert.ok(Math.abs(mc[v].pValue - approx[v].pValue) < 0.05, `voter ${v}`);
  assert.ok(approx[30].pValue < 0.001);
});

test("few or incomparable votes are never flagged", () => {
  // Voter 1 is the only one on the pair (0, 7) and always picks the weaker side.
  const result = detectAnomalousVoters(
    {
      voter: [0, 0, 0, 1, 1],
      modelA: [0, 0, 1, 0, 0],
      modelB: [1, 1, 2, 7, 7],
      outcome: [OUTCOME_B, OUTCOME_B, OUTCOME_B, OUTCOME_A, OUTCOME_A],
      theta: THETA,
    },
    { minVotes: 1 },
  );
  assert.equal(result[1].comparable, 0);
  assert.equal(result[1].flagged, false);
  assert.equal(result[1].pValue, 1);
});
