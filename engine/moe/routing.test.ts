import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32 } from "./prng";
import { routeToken } from "./routing";

/** Naive reference: probabilities by the textbook formula over enabled experts, then sort. */
function naiveRoute(logits: number[], enabled: boolean[], k: number) {
  const z = logits.map((l, i) => (enabled[i] ? Math.exp(l) : 0));
  const sum = z.reduce((a, b) => a + b, 0);
  return z
    .map((v, i) => ({ expert: i, weight: v / sum }))
    .filter((c) => enabled[c.expert])
    .sort((a, b) => b.weight - a.weight || a.expert - b.expert)
    .slice(0, k);
}

test("worked example: softmax over all experts, top-2, weights not renormalised", () => {
  // logits [2, 1, 0, -1]: softmax = [0.6439, 0.2369, 0.0871, 0.0321]
  const got = routeToken([2, 1, 0, -1], [true, true, true, true], 2);
  assert.deepEqual(
    got.map((c) => c.expert),
    [0, 1],
  );
  assert.ok(Math.abs((got[0]?.weight ?? 0) - 0.6439) < 1e-4);
  assert.ok(Math.abs((got[1]?.weight ?? 0) - 0.2369) < 1e-4);
  const total = got.reduce((a, c) => a + c.weight, 0);
  assert.ok(total < 0.9, `weights sum to ${total}, not renormalised to 1`);
});

test("a disabled expert is masked before the softmax: never chosen, and the others' probabilities rise", () => {
  const logits = [0.5, 3, 1, 0];
  const all = routeToken(logits, [true, true, true, true], 2);
  assert.equal(all[0]?.expert, 1);
  const masked = routeToken(logits, [true, false, true, true], 2);
  assert.ok(masked.every((c) => c.expert !== 1));
  // Masking before (not after) the softmax: expert 2's weight is renormalised over {0, 2, 3}.
  const e = [Math.exp(0.5), Math.exp(1), Math.exp(0)];
  assert.ok(Math.abs((masked[0]?.weight ?? 0) - e[1] / (e[0] + e[1] + e[2])) < 1e-12);
});

test("with only the public expert enabled it takes all the weight", () => {
  const got = routeToken([-5, 9, 9], [true, false, false], 2);
  assert.deepEqual(got, [{ expert: 0, weight: 1 }]);
});

test("top-k picks the k largest; ties go to the lower index", () => {
  const got = routeToken([1, 1, 1, 1], [true, true, true, true], 3);
  assert.deepEqual(
    got.map((c) => c.expert),
    [0, 1, 2],
  );
  assert.ok(got.every((c) => Math.abs(c.weight - 0.25) < 1e-12));
});

test("matches the naive reference on random logits, masks and k (with a row offset)", () => {
  const rng = mulberry32(7);
  for (let trial = 0; trial < 500; trial++) {
    const E = 2 + Math.floor(rng() * 7);
    const logits = Array.from({ length: E }, () => (rng() - 0.5) * 10);
    const enabled = Array.from({ length: E }, (_, i) => i === 0 || rng() < 0.6);
    const k = 1 + Math.floor(rng() * E);
    const padded = [99, 99, ...logits];
    const got = routeToken(padded, enabled, k, 2);
    const want = naiveRoute(logits, enabled, k);
    assert.equal(got.length, Math.min(k, enabled.filter(Boolean).length));
    got.forEach((c, i) => {
      assert.equal(c.expert, want[i]?.expert);
      assert.ok(Math.abs(c.weight - (want[i]?.weight ?? 0)) < 1e-9);
    });
  }
});

test("no enabled expert is an error", () => {
  assert.throws(() => routeToken([0, 0], [false, false], 1));
});
