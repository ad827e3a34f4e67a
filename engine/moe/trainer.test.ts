import assert from "node:assert/strict";
import { test } from "node:test";
import { lrAt, sameRatesUpTo } from "./trainer";

const plain = { lr: 4e-3, warmup: 75, steps: 1500 };
const cooled = { lr: 4e-3, warmup: 75, steps: 850, horizon: 1500, cooldownFrom: 650 };

test("warm-up, cosine to 10% of the peak over the horizon", () => {
  assert.equal(lrAt(0, plain), 4e-3 / 75);
  assert.ok(Math.abs(lrAt(75, plain) - 4e-3) < 1e-12);
  assert.ok(Math.abs(lrAt(1499, plain) - 4e-4) < 1e-6);
  for (let s = 76; s < 1500; s++) assert.ok(lrAt(s, plain) <= lrAt(s - 1, plain));
});

test("a cool-down follows the cosine until it starts, then falls linearly to 0 at the last step", () => {
  for (let s = 0; s < 650; s++) assert.equal(lrAt(s, cooled), lrAt(s, plain));
  const at = lrAt(650, plain);
  assert.equal(lrAt(650, cooled), at);
  assert.ok(Math.abs(lrAt(750, cooled) - at / 2) < 1e-12);
  assert.ok(Math.abs(lrAt(849, cooled) - at / 200) < 1e-12);
});

test("a checkpoint resumes under a schedule only where both give the same rates so far", () => {
  assert.equal(sameRatesUpTo(plain, cooled, 500), true);
  assert.equal(sameRatesUpTo(plain, cooled, 650), true);
  assert.equal(sameRatesUpTo(plain, cooled, 700), false, "the cool-down had begun");
  assert.equal(sameRatesUpTo(plain, { ...plain, lr: 2e-3 }, 10), false);
  assert.equal(sameRatesUpTo(plain, { ...plain, steps: 1000 }, 100), false, "another cosine horizon");
  assert.equal(sameRatesUpTo({ lr: 1, warmup: 1, steps: 40 }, { lr: 1, warmup: 1, steps: 40 }, 40), true);
});
