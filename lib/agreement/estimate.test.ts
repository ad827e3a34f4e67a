import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bootstrapEstimate, MIN_UNITS, type SummedUnits, shareEstimate } from "./estimate";
import { cohensKappa, cohenUnits, fleissKappa, fleissUnits, shareAgreeing, shareUnits } from "./kappa";

const close = (a: number | null, b: number, eps = 1e-4) =>
  assert.ok(a !== null && Math.abs(a - b) < eps, `${a} != ${b}`);

describe("shareEstimate (Wilson score interval)", () => {
  test("matches Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3", () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [k, n, lo, hi] of cases) {
      const e = shareEstimate(k, n);
      assert.equal(e.value, k / n);
      assert.equal(e.n, n);
      close(e.lower, lo);
      close(e.upper, hi);
      assert.equal(e.tooFew, false);
    }
  });

  test("says too few below the floor, and nothing at n = 0", () => {
    const one = shareEstimate(1, 1);
    assert.equal(one.value, 1);
    assert.equal(one.tooFew, true);
    assert.ok(one.lower! < 0.25, "one success of one leaves most of [0, 1] open");
    assert.equal(shareEstimate(MIN_UNITS - 1, MIN_UNITS - 1).tooFew, true);
    assert.equal(shareEstimate(MIN_UNITS, MIN_UNITS).tooFew, false);
    assert.deepEqual(shareEstimate(0, 0), { value: null, n: 0, lower: null, upper: null, tooFew: true });
    assert.throws(() => shareEstimate(3, 2), RangeError);
  });
});

describe("bootstrapEstimate", () => {
  test("one disagreeing pair: Fleiss' kappa -1, too few, no interval", () => {
    const e = bootstrapEstimate(fleissUnits([["a", "b"]]));
    assert.equal(e.value, -1);
    assert.equal(e.n, 1);
    assert.equal(e.tooFew, true);
    assert.equal(e.lower, null);
  });

  test("Cohen's kappa on the 50-pair worked example: 0.4 inside a seeded interval of plausible width", () => {
    const pairs: [string, string][] = [
      ...Array(20).fill(["y", "y"]),
      ...Array(5).fill(["y", "n"]),
      ...Array(10).fill(["n", "y"]),
      ...Array(15).fill(["n", "n"]),
    ];
    const e = bootstrapEstimate(cohenUnits(pairs), { seed: 3 });
    close(e.value, 0.4);
    assert.equal(e.n, 50);
    assert.equal(e.tooFew, false);
    assert.ok(e.lower! < 0.4 && 0.4 < e.upper!);
    // The large-sample standard error here is about 0.13, so the 95% interval spans about 0.5.
    const width = e.upper! - e.lower!;
    assert.ok(width > 0.35 && width < 0.65, `width ${width}`);
    assert.deepEqual(bootstrapEstimate(cohenUnits(pairs), { seed: 3 }), e, "same seed, same interval");
  });

  test("the interval narrows as n grows (about 1 / sqrt(n))", () => {
    const unit: [string, string][] = [
      ["y", "y"],
      ["y", "y"],
      ["y", "n"],
      ["n", "n"],
      ["n", "n"],
    ];
    const width = (copies: number) => {
      const e = bootstrapEstimate(cohenUnits(Array(copies).fill(unit).flat() as [string, string][]), {
        rounds: 400,
      });
      return e.upper! - e.lower!;
    };
    const ratio = width(20) / width(80);
    assert.ok(ratio > 1.6 && ratio < 2.5, `ratio ${ratio}`);
  });
});

test("the summed forms give the same kappas and shares as the direct formulas", () => {
  const L = ["a", "b", "tie", "bothbad"];
  const items = Array.from({ length: 57 }, (_, i) => [
    L[i % 4],
    L[(i * 7) % 4],
    ...(i % 3 ? [L[(i * 5) % 3]] : []),
  ]);
  items.push(["solo"]);
  const pairs = items.filter((r) => r.length >= 2).map((r) => [r[0], r[1]] as [string, string]);
  const sum = (u: SummedUnits) => {
    const s = new Float64Array(u.dim);
    if (u.rows) for (let i = 0; i < u.rows.length; i++) s[i % u.dim] += u.rows[i];
    if (u.cells) for (const c of u.cells) s[c]++;
    return u.stat(s);
  };
  close(sum(fleissUnits(items)), fleissKappa(items)!, 1e-12);
  close(sum(cohenUnits(pairs)), cohensKappa(pairs)!, 1e-12);
  close(sum(shareUnits(items)), shareAgreeing(items)!, 1e-12);
  assert.equal(bootstrapEstimate(fleissUnits(items)).n, 57, "items with one rating are not units");
});
