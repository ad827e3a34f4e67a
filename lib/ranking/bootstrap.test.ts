import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collapseBattles, toBattleTable } from "./battles";
import { bootstrapIntervals, quantileSorted, ranksFromIntervals } from "./bootstrap";
import { fitBradleyTerry } from "./bt";
import { sampleBinomial, sampleMultinomial, sfc32 } from "./random";
import { simulateBattles } from "./test-helpers";

describe("sampleBinomial", () => {
  /** Exact Binomial(n, p) pmf, by the ratio recursion in log space (no underflow for large n). */
  function pmf(n: number, p: number): number[] {
    const logs = [n * Math.log1p(-p)];
    for (let k = 1; k <= n; k++) logs.push(logs[k - 1] + Math.log(((n - k + 1) * p) / (k * (1 - p))));
    return logs.map(Math.exp);
  }

  for (const [n, p] of [
    [20, 0.3],
    [200, 0.4],
    [1000, 0.03],
    [5000, 0.7],
  ]) {
    it(`matches the exact distribution of Binomial(${n}, ${p}) (chi-square)`, () => {
      const rng = sfc32(123);
      const draws = 20000;
      const counts = new Map<number, number>();
      for (let i = 0; i < draws; i++) {
        const x = sampleBinomial(rng, n, p);
        assert.ok(Number.isInteger(x) && x >= 0 && x <= n);
        counts.set(x, (counts.get(x) ?? 0) + 1);
      }
      // Pool cells with expected count < 5 into the tails.
      const probs = pmf(n, p);
      let chi = 0;
      let cells = 0;
      let accP = 0;
      let accO = 0;
      for (let k = 0; k <= n; k++) {
        accP += probs[k];
        accO += counts.get(k) ?? 0;
        if (accP * draws >= 5 || k === n) {
          chi += (accO - accP * draws) ** 2 / (accP * draws);
          cells++;
          accP = 0;
          accO = 0;
        }
      }
      // Mean + 4 standard deviations of chi-square(cells - 1): a true sampler fails this ~1e-4 of the time.
      const df = cells - 1;
      assert.ok(chi < df + 4 * Math.sqrt(2 * df), `chi2 ${chi.toFixed(1)} on ${df} df`);
    });
  }

  it("multinomial counts sum to the total and follow the weights", () => {
    const rng = sfc32(5);
    const w = [1, 0, 3, 6];
    const out = sampleMultinomial(rng, 100000, w);
    assert.equal(
      out.reduce((s, v) => s + v, 0),
      100000,
    );
    assert.equal(out[1], 0);
    assert.ok(Math.abs(out[3] / 100000 - 0.6) < 0.01);
  });
});

describe("bootstrapIntervals", () => {
  const battles = simulateBattles([0.3, 0.1, 0, -0.4], 2000, 1, 0.1);
  const table = toBattleTable(battles);
  const rows = collapseBattles(table);

  it("is reproducible with a seed and brackets the estimate", () => {
    const a = bootstrapIntervals(rows, table.models, { rounds: 50, seed: 9 });
    const b = bootstrapIntervals(rows, table.models, { rounds: 50, seed: 9 });
    const c = bootstrapIntervals(rows, table.models, { rounds: 50, seed: 10 });
    assert.deepEqual(a.lower, b.lower);
    assert.notDeepEqual(a.lower, c.lower);
    const theta = fitBradleyTerry(rows).theta;
    for (let i = 0; i < theta.length; i++) {
      const bt = 400 * theta[i] + 1000;
      assert.ok(a.lower[i] < bt && bt < a.upper[i]);
    }
  });

  it("covers the true rating about 95% of the time in simulation", () => {
    // 300 simulated data sets of 1,500 battles over 5 models, 100 rounds each: 1,500 intervals. The
    // percentile bootstrap slightly under-covers at this size (0.93-0.94 in longer runs).
    const truth = [0.4, 0.15, 0, -0.15, -0.4];
    let covered = 0;
    let total = 0;
    for (let rep = 0; rep < 300; rep++) {
      const t = toBattleTable(simulateBattles(truth, 1500, 1000 + rep));
      const boot = bootstrapIntervals(collapseBattles(t), t.models, { rounds: 100, seed: rep });
      t.models.forEach((name, i) => {
        const rating = 400 * truth[Number(name.slice(1))] + 1000;
        if (boot.lower[i] <= rating && rating <= boot.upper[i]) covered++;
        total++;
      });
    }
    const coverage = covered / total;
    assert.ok(coverage > 0.9 && coverage < 0.99, `coverage ${coverage}`);
  });
});

describe("ranksFromIntervals", () => {
  it("ranks by how many models are surely better", () => {
    // a: [1100, 1200], b: [1050, 1150] overlaps a, c: [900, 1000] below both, d: [800, 1060] overlaps b.
    const lower = [1100, 1050, 900, 800];
    const upper = [1200, 1150, 1000, 1060];
    assert.deepEqual(Array.from(ranksFromIntervals(lower, upper)), [1, 1, 3, 2]);
  });
});

describe("quantileSorted", () => {
  it("interpolates linearly like numpy", () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantileSorted([10, 20], 0.025), 10.25);
  });
});
