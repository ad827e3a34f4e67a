import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collapseBattles, toBattleTable } from "./battles";
import { FALLBACK_L2, fitBradleyTerry, thetaToRatings } from "./bt";
import { battlesFromWins, logisticRegression, simulateBattles } from "./test-helpers";
import type { Battle } from "./types";

function fit(battles: Battle[], ties: "half" | "drop" = "half") {
  const table = toBattleTable(battles);
  const f = fitBradleyTerry(collapseBattles(table, ties));
  const byName = new Map(table.models.map((name, i) => [name, f.theta[i]]));
  return { ...f, table, byName };
}

describe("fitBradleyTerry", () => {
  it("reproduces Agresti's 1987 American League East example (CDA 2nd ed., Sec. 10.6, Table 10.11)", () => {
    // Home/away win counts as in Agresti's Table 10.10 (BradleyTerry2's `baseball` data), home advantage ignored.
    const teams = ["Milwaukee", "Detroit", "Toronto", "New York", "Boston", "Cleveland", "Baltimore"];
    // games[h][a] = [home wins, away wins] of team h at home against team a.
    const rows: [string, string, number, number][] = [
      ["Milwaukee", "Detroit", 4, 3],
      ["Milwaukee", "Toronto", 4, 2],
      ["Milwaukee", "New York", 4, 3],
      ["Milwaukee", "Boston", 6, 1],
      ["Milwaukee", "Cleveland", 4, 2],
      ["Milwaukee", "Baltimore", 6, 0],
      ["Detroit", "Milwaukee", 3, 3],
      ["Detroit", "Toronto", 4, 2],
      ["Detroit", "New York", 4, 3],
      ["Detroit", "Boston", 6, 0],
      ["Detroit", "Cleveland", 6, 1],
      ["Detroit", "Baltimore", 4, 3],
      ["Toronto", "Milwaukee", 2, 5],
      ["Toronto", "Detroit", 4, 3],
      ["Toronto", "New York", 2, 4],
      ["Toronto", "Boston", 4, 3],
      ["Toronto", "Cleveland", 4, 2],
      ["Toronto", "Baltimore", 6, 0],
      ["New York", "Milwaukee", 3, 3],
      ["New York", "Detroit", 5, 1],
      ["New York", "Toronto", 2, 5],
      ["New York", "Boston", 4, 3],
      ["New York", "Cleveland", 4, 2],
      ["New York", "Baltimore", 6, 1],
      ["Boston", "Milwaukee", 5, 1],
      ["Boston", "Detroit", 2, 5],
      ["Boston", "Toronto", 3, 3],
      ["Boston", "New York", 4, 2],
      ["Boston", "Cleveland", 5, 2],
      ["Boston", "Baltimore", 6, 0],
      ["Cleveland", "Milwaukee", 2, 5],
      ["Cleveland", "Detroit", 3, 3],
      ["Cleveland", "Toronto", 3, 4],
      ["Cleveland", "New York", 4, 3],
      ["Cleveland", "Boston", 4, 2],
      ["Cleveland", "Baltimore", 2, 4],
      ["Baltimore", "Milwaukee", 2, 5],
      ["Baltimore", "Detroit", 1, 5],
      ["Baltimore", "Toronto", 1, 6],
      ["Baltimore", "New York", 2, 4],
      ["Baltimore", "Boston", 1, 6],
      ["Baltimore", "Cleveland", 3, 4],
    ];
    const battles: Battle[] = [];
    for (const [home, away, hw, aw] of rows) {
      for (let k = 0; k < hw; k++) battles.push({ modelA: home, modelB: away, winner: "model_a" });
      for (let k = 0; k < aw; k++) battles.push({ modelA: home, modelB: away, winner: "model_b" });
    }
    assert.equal(battles.length, 21 * 13); // every pair of the 7 teams met 13 times
    const { byName, mleExists } = fit(battles);
    assert.ok(mleExists);
    // Natural-log abilities relative to Baltimore (Agresti's parameterisation, 4 decimals as in
    // BradleyTerry2's reproduction of the table).
    const expected: Record<string, number> = {
      Boston: 1.1077,
      Cleveland: 0.6839,
      Detroit: 1.4364,
      Milwaukee: 1.5814,
      "New York": 1.2476,
      Toronto: 1.2945,
    };
    for (const team of teams.filter((t) => t !== "Baltimore")) {
      const got = (byName.get(team)! - byName.get("Baltimore")!) * Math.LN10;
      assert.ok(Math.abs(got - expected[team]) < 6e-5, `${team}: ${got} vs ${expected[team]}`);
    }
  });

  it("reproduces Wikipedia's worked example (Bradley-Terry model, 'Worked example of solution procedure')", () => {
    // A-B 2:3, A-D 1:4, B-C 5:3, C-D 1:3; published scores normalised to geometric mean 1.
    const names = ["A", "B", "C", "D"];
    const wins = [
      [0, 2, 0, 1],
      [3, 0, 5, 0],
      [0, 3, 0, 1],
      [4, 0, 3, 0],
    ];
    const { byName } = fit(battlesFromWins(names, wins));
    const expected: Record<string, number> = { A: 0.64, B: 1.043, C: 0.66, D: 2.27 };
    for (const name of names) {
      // Mean-zero theta is exactly the geometric-mean-1 normalisation.
      const p = Math.exp(byName.get(name)! * Math.LN10);
      assert.ok(Math.abs(p - expected[name]) < 2e-3, `${name}: ${p}`);
    }
  });

  it("equals a plain logistic regression on one row per battle to 1e-6 (ties as y = 1/2)", () => {
    const battles = simulateBattles([0.6, 0.2, 0, -0.1, -0.5], 3000, 7, 0.15);
    const { table, theta } = fit(battles);
    const m = table.models.length;
    // Design: +ln10 for model A, -ln10 for model B, model 0 as the reference (column dropped).
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < table.length; i++) {
      const row = new Array(m - 1).fill(0);
      if (table.modelA[i] > 0) row[table.modelA[i] - 1] += Math.LN10;
      if (table.modelB[i] > 0) row[table.modelB[i] - 1] -= Math.LN10;
      X.push(row);
      const o = table.outcome[i];
      y.push(o === 0 ? 1 : o === 1 ? 0 : 0.5);
    }
    const beta = [0, ...logisticRegression(X, y)];
    const mean = beta.reduce((s, v) => s + v, 0) / m;
    for (let i = 0; i < m; i++) assert.ok(Math.abs(theta[i] - (beta[i] - mean)) < 1e-6, `model ${i}`);
  });

  it("recovers known strengths from simulated battles", () => {
    const truth = [0.5, 0.25, 0.1, 0, -0.2, -0.65];
    // No ties here: ties drawn independently of strength would pull the estimates towards 0.
    const { table, theta } = fit(simulateBattles(truth, 30000, 11));
    const mean = truth.reduce((s, v) => s + v, 0) / truth.length;
    for (let i = 0; i < truth.length; i++) {
      const name = `m${i}`;
      const est = theta[table.models.indexOf(name)];
      // ~2000 battles per pair: standard errors are ~0.01 in theta (4 rating points).
      assert.ok(Math.abs(est - (truth[i] - mean)) < 0.04, `${name}: ${est} vs ${truth[i] - mean}`);
    }
  });

  it("counts a tie as half a win each side, or drops it; both-bad is a tie", () => {
    // A beats B 3 times, B beats A once, 2 ties: half -> A scores 4 of 6 (odds 2), drop -> 3 of 4 (odds 3).
    const battles: Battle[] = [
      ...Array.from({ length: 3 }, (): Battle => ({ modelA: "A", modelB: "B", winner: "model_a" })),
      { modelA: "A", modelB: "B", winner: "model_b" },
      { modelA: "B", modelB: "A", winner: "tie" },
      { modelA: "A", modelB: "B", winner: "tie" },
    ];
    const half = fit(battles, "half");
    assert.ok(Math.abs(half.byName.get("A")! - half.byName.get("B")! - Math.log10(2)) < 1e-9);
    const drop = fit(battles, "drop");
    assert.ok(Math.abs(drop.byName.get("A")! - drop.byName.get("B")! - Math.log10(3)) < 1e-9);
    const bothBad = battles.map((b): Battle => (b.winner === "tie" ? { ...b, winner: "tie (bothbad)" } : b));
    const bb = fit(bothBad, "half");
    assert.ok(Math.abs(bb.byName.get("A")! - half.byName.get("A")!) < 1e-12);
  });

  it("keeps a model with only wins finite and on top, with a weak ridge instead of diverging", () => {
    const battles: Battle[] = [
      ...simulateBattles([0, 0.2, -0.2], 300, 3),
      ...Array.from(
        { length: 5 },
        (_, k): Battle => ({ modelA: "champ", modelB: `m${k % 3}`, winner: "model_a" }),
      ),
    ];
    const f = fit(battles);
    assert.equal(f.mleExists, false);
    assert.equal(f.l2, FALLBACK_L2);
    assert.ok(f.converged);
    const champ = f.byName.get("champ")!;
    assert.ok(Number.isFinite(champ));
    for (const [name, t] of f.byName) if (name !== "champ") assert.ok(champ > t + 0.5);
  });

  it("converges in a few Newton steps on millions of battles (rounding-safe line search)", () => {
    const rows = collapseBattles(toBattleTable(simulateBattles([0.3, 0.1, 0, -0.2, -0.4], 2000, 8, 0.2)));
    const big = { ...rows, count: rows.count.map((c) => c * 2000) };
    const f = fitBradleyTerry(big);
    assert.ok(f.converged && f.iterations < 15, `${f.iterations} iterations`);
    const small = fitBradleyTerry(rows);
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(f.theta[i] - small.theta[i]) < 1e-9);
  });

  it("handles one model and no rows", () => {
    const f = fitBradleyTerry({
      nModels: 1,
      lo: new Int32Array(0),
      hi: new Int32Array(0),
      score: new Float64Array(0),
      count: new Float64Array(0),
    });
    assert.deepEqual(Array.from(f.theta), [0]);
  });
});

describe("thetaToRatings", () => {
  it("maps theta to 400 * theta + 1000 and applies an anchor as a shift", () => {
    const models = ["a", "b"];
    assert.deepEqual(Array.from(thetaToRatings([0.5, -0.5], models)), [1200, 800]);
    assert.deepEqual(
      Array.from(thetaToRatings([0.5, -0.5], models, { anchor: { model: "b", rating: 1100 } })),
      [1500, 1100],
    );
    assert.throws(() => thetaToRatings([0, 0], models, { anchor: { model: "zz", rating: 1 } }), /zz/);
  });
});
