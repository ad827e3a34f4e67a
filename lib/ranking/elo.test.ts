import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBattleTable } from "./battles";
import { computeOnlineElo } from "./elo";
import type { Battle } from "./types";

function eloByName(battles: Battle[], ties: "half" | "drop" = "half") {
  const table = toBattleTable(battles);
  const r = computeOnlineElo(table, { ties });
  return Object.fromEntries(table.models.map((name, i) => [name, r[i]]));
}

describe("computeOnlineElo", () => {
  // Worked by hand with K = 4, base 10, scale 400, everyone starting at 1000:
  // 1. A beats B: e_A = 0.5, A = 1000 + 4 * 0.5 = 1002, B = 998.
  // 2. B ties C: e_B = 1 / (1 + 10^(2/400)) = 0.4971218, B += 4 * (0.5 - 0.4971218) = 998.0115128, C = 999.9884872.
  // 3. C beats A: e_C = 1 / (1 + 10^((1002 - 999.9884872)/400)) = 0.4971053, C += 4 * 0.5028947 = 1002.0000663,
  //    A = 999.9884209.
  const seq: Battle[] = [
    { modelA: "A", modelB: "B", winner: "model_a", tstamp: 1 },
    { modelA: "B", modelB: "C", winner: "tie", tstamp: 2 },
    { modelA: "C", modelB: "A", winner: "model_a", tstamp: 3 },
  ];

  it("matches a hand-computed sequence", () => {
    const r = eloByName(seq);
    assert.ok(Math.abs(r.A - 999.9884209309) < 1e-6);
    assert.ok(Math.abs(r.B - 998.0115127983) < 1e-6);
    assert.ok(Math.abs(r.C - 1002.0000662708) < 1e-6);
  });

  it("runs in time order whatever the input order", () => {
    const shuffled = [seq[2], seq[0], seq[1]];
    assert.deepEqual(eloByName(shuffled), eloByName(seq));
  });

  it("keeps input order when a timestamp is missing, and depends on that order", () => {
    const noTime = seq.map(({ tstamp, ...b }) => b);
    assert.deepEqual(eloByName(noTime), eloByName(seq));
    const reversed = eloByName([...noTime].reverse());
    assert.notDeepEqual(reversed, eloByName(seq));
  });

  it("skips ties when ties are dropped; both-bad is a tie", () => {
    const dropped = eloByName(seq, "drop");
    // B-C tie skipped: A 1002 -> C beats A at equal-ish ratings.
    assert.equal(dropped.B, 998);
    const bothBad = seq.map((b): Battle => (b.winner === "tie" ? { ...b, winner: "tie (bothbad)" } : b));
    assert.deepEqual(eloByName(bothBad), eloByName(seq));
  });

  it("conserves the total rating", () => {
    const r = eloByName(seq);
    assert.ok(Math.abs(r.A + r.B + r.C - 3000) < 1e-9);
  });
});
