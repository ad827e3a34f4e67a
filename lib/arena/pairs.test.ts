import assert from "node:assert/strict";
import { test } from "node:test";
import { sfc32 } from "../ranking";
import { NotEnoughModelsError, pairKey, pairWeights, samplePair } from "./pairs";

const three = [
  { id: "x", weight: 1 },
  { id: "y", weight: 1 },
  { id: "z", weight: 1 },
];

test("always two distinct models, from the candidates only", () => {
  const rng = sfc32(1);
  for (let i = 0; i < 500; i++) {
    const [a, b] = samplePair(three, new Map(), rng);
    assert.notEqual(a, b);
    assert.ok(["x", "y", "z"].includes(a) && ["x", "y", "z"].includes(b));
  }
});

test("fewer than two usable models is refused with a message", () => {
  assert.throws(() => samplePair([], new Map()), NotEnoughModelsError);
  assert.throws(() => samplePair([{ id: "x", weight: 1 }], new Map()), /Only one model/);
  assert.throws(
    () =>
      samplePair(
        [
          { id: "x", weight: 1 },
          { id: "x", weight: 2 },
        ],
        new Map(),
      ),
    NotEnoughModelsError,
  );
  assert.throws(
    () =>
      samplePair(
        [
          { id: "x", weight: 1 },
          { id: "y", weight: 0 },
        ],
        new Map(),
      ),
    NotEnoughModelsError,
  );
});

test("pairs with fewer battles come up more often, in proportion to 1 / (1 + battles)", () => {
  const counts = new Map([
    [pairKey("x", "y"), 9],
    [pairKey("x", "z"), 0],
    [pairKey("y", "z"), 0],
  ]);
  const w = pairWeights(three, counts);
  assert.deepEqual(
    w.map((p) => p.weight),
    [0.1, 1, 1],
  );
  const rng = sfc32(7);
  const seen = new Map<string, number>();
  const n = 21_000;
  for (let i = 0; i < n; i++) {
    const [a, b] = samplePair(three, counts, rng);
    seen.set(pairKey(a, b), (seen.get(pairKey(a, b)) ?? 0) + 1);
  }
  const xy = (seen.get(pairKey("x", "y")) ?? 0) / n;
  assert.ok(Math.abs(xy - 0.1 / 2.1) < 0.01, `x-y drawn ${xy}`);
});

test("sampling weights scale each model's share; left/right is a fair coin", () => {
  const rng = sfc32(3);
  const models = [
    { id: "heavy", weight: 4 },
    { id: "a", weight: 1 },
    { id: "b", weight: 1 },
  ];
  let heavy = 0;
  let heavyLeft = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const [l, r] = samplePair(models, new Map(), rng);
    if (l === "heavy" || r === "heavy") heavy++;
    if (l === "heavy") heavyLeft++;
  }
  // Pair weights 4, 4, 1: heavy is in 8 of 9 parts.
  assert.ok(Math.abs(heavy / n - 8 / 9) < 0.015, `heavy in ${heavy / n}`);
  assert.ok(Math.abs(heavyLeft / heavy - 0.5) < 0.02, `heavy on the left ${heavyLeft / heavy}`);
});

test("readable contenders are paired first: two readable, else readable against demo, demo pairs last", () => {
  const rng = sfc32(7);
  const draw = (cands: { id: string; weight: number; readable?: boolean }[], n = 600) => {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const [a, b] = samplePair(cands, new Map(), rng);
      const k = [a, b].sort().join("+");
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    return seen;
  };
  const demos = ["all", "public", "no-code", "no-email"].map((id) => ({ id, weight: 1, readable: false }));
  // A fresh install: the extractive baseline is the only readable contender. Every battle has it on one
  // side, against each demo configuration about equally often; never demo against demo.
  const fresh = draw([{ id: "baseline", weight: 1 }, ...demos]);
  assert.equal([...fresh.keys()].filter((k) => !k.includes("baseline")).length, 0);
  assert.equal(fresh.size, 4);
  for (const n of fresh.values()) assert.ok(n > 100 && n < 200, `about 150 each, got ${n}`);
  // An admin adds a real model: it meets the baseline only, while the demos wait.
  const real = draw([{ id: "baseline", weight: 1 }, { id: "llama", weight: 1 }, ...demos], 200);
  assert.deepEqual([...real.keys()], ["baseline+llama"]);
  // Only demo models enabled: they still battle (the arena says why the answers are unreadable).
  const onlyDemos = draw(demos, 200);
  assert.equal(onlyDemos.size, 6);
  // An admin-set weight of 0 keeps a readable model out; the demos then face the remaining readable one.
  const zero = draw([{ id: "baseline", weight: 1 }, { id: "llama", weight: 0 }, ...demos], 200);
  assert.ok([...zero.keys()].every((k) => k.includes("baseline")));
});
