import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeLeaderboard } from "./leaderboard";
import { simulateBattles } from "./test-helpers";
import type { Battle } from "./types";

/** Matrix entry by model names (matrices follow the rows' order). */
function cell<T>(board: { models: string[] }, matrix: T[][], a: string, b: string): T {
  return matrix[board.models.indexOf(a)][board.models.indexOf(b)];
}

const small: Battle[] = [
  { modelA: "a", modelB: "b", winner: "model_a", tstamp: 1 },
  { modelA: "b", modelB: "a", winner: "model_a", tstamp: 2 },
  { modelA: "a", modelB: "b", winner: "tie", tstamp: 3 },
  { modelA: "c", modelB: "a", winner: "model_b", tstamp: 4 },
  { modelA: "b", modelB: "c", winner: "tie (bothbad)", tstamp: 5 },
  { modelA: "c", modelB: "b", winner: "model_a", tstamp: 6 },
];

describe("computeLeaderboard", () => {
  it("builds rows and matrices by hand on a small example", () => {
    const board = computeLeaderboard(small, { bootstrapRounds: 20, seed: 1 });
    // a vs b: 3 battles, a scores 1 + 0 + 0.5; a vs c: 1 battle, a wins; b vs c: 2 battles, c scores 0.5 + 1.
    assert.deepEqual(board.models, ["a", "c", "b"]);
    assert.deepEqual(
      board.rows.map((r) => r.model),
      board.models,
    );
    assert.equal(board.totalBattles, 6);
    const expectCount = { ab: 3, ac: 1, bc: 2 };
    const expectRate = { ab: 0.5, ac: 1, bc: 0.25 };
    for (const [pair, n] of Object.entries(expectCount)) {
      const [x, y] = pair.split("");
      assert.equal(cell(board, board.battleCount, x, y), n);
      assert.equal(cell(board, board.battleCount, y, x), n);
      const rate = expectRate[pair as keyof typeof expectRate];
      assert.equal(cell(board, board.winRate, x, y), rate);
      assert.equal(cell(board, board.winRate, y, x), 1 - rate);
    }
    for (const x of "abc") {
      assert.equal(cell(board, board.battleCount, x, x), 0);
      assert.equal(cell(board, board.winRate, x, x), null);
    }
    const a = board.rows[0];
    assert.equal(a.battles, 4);
    assert.equal(a.winRate, 2.5 / 4);
    for (const row of board.rows) {
      assert.ok(row.ciLower <= row.bt && row.bt <= row.ciUpper);
      assert.ok(Number.isFinite(row.elo));
    }
  });

  it("drops ties from every column with ties = drop", () => {
    const board = computeLeaderboard(small, { ties: "drop", bootstrapRounds: 0 });
    assert.equal(board.totalBattles, 4);
    assert.equal(cell(board, board.battleCount, "a", "b"), 2);
    assert.equal(cell(board, board.battleCount, "a", "c"), 1);
    assert.equal(cell(board, board.battleCount, "b", "c"), 1);
    assert.equal(cell(board, board.winRate, "c", "b"), 1);
    assert.equal(board.rows.find((r) => r.model === "a")!.winRate, 2 / 3);
  });

  it("anchors ratings and intervals to a model's value", () => {
    const battles = simulateBattles([0.3, 0, -0.3], 600, 2);
    const free = computeLeaderboard(battles, { bootstrapRounds: 30 });
    const anchored = computeLeaderboard(battles, {
      bootstrapRounds: 30,
      anchor: { model: "m1", rating: 1200 },
    });
    const row = anchored.rows.find((r) => r.model === "m1")!;
    assert.equal(row.bt, 1200);
    const shift = 1200 - free.rows.find((r) => r.model === "m1")!.bt;
    for (const r of anchored.rows) {
      const f = free.rows.find((x) => x.model === r.model)!;
      assert.ok(Math.abs(r.bt - f.bt - shift) < 1e-9);
    }
    assert.throws(() => computeLeaderboard(battles, { anchor: { model: "nobody", rating: 1000 } }), /nobody/);
  });

  it("ranks a clearly better model first with disjoint intervals", () => {
    const board = computeLeaderboard(simulateBattles([1, 0, 0, -1], 4000, 5), { bootstrapRounds: 50 });
    assert.equal(board.rows[0].model, "m0");
    assert.equal(board.rows[0].rank, 1);
    assert.equal(board.rows.at(-1)!.model, "m3");
    assert.equal(board.rows.at(-1)!.rank, 4);
    const middle = board.rows.slice(1, 3).map((r) => r.rank);
    assert.deepEqual(middle, [2, 2]);
  });

  it("gives an empty board for no battles, and for only dropped ties", () => {
    assert.deepEqual(computeLeaderboard([]).rows, []);
    const onlyTies: Battle[] = [{ modelA: "a", modelB: "b", winner: "tie" }];
    const board = computeLeaderboard(onlyTies, { ties: "drop" });
    assert.deepEqual(board.rows, []);
    assert.equal(board.totalBattles, 0);
  });

  it("rates a model with only wins first but finitely, flagged by mleExists", () => {
    const battles: Battle[] = [
      ...simulateBattles([0, 0], 100, 1),
      { modelA: "new", modelB: "m0", winner: "model_a" },
      { modelA: "m1", modelB: "new", winner: "model_b" },
    ];
    const board = computeLeaderboard(battles, { bootstrapRounds: 20 });
    assert.equal(board.mleExists, false);
    assert.equal(board.rows[0].model, "new");
    assert.ok(Number.isFinite(board.rows[0].bt) && Number.isFinite(board.rows[0].ciUpper));
  });

  it("lists models under minBattles apart as preliminary, without a rank", () => {
    // Four established models with hundreds of battles; "new" has won all of its 3 battles.
    const battles: Battle[] = [
      ...simulateBattles([0.6, 0.2, -0.2, -0.6], 2000, 7),
      { modelA: "new", modelB: "m0", winner: "model_a" },
      { modelA: "m1", modelB: "new", winner: "model_b" },
      { modelA: "new", modelB: "m3", winner: "model_a" },
    ];
    const board = computeLeaderboard(battles, { bootstrapRounds: 40, minBattles: 20 });
    const ranked = board.rows.filter((r) => !r.preliminary);
    assert.deepEqual(
      ranked.map((r) => r.model),
      ["m0", "m1", "m2", "m3"],
    );
    const fresh = board.rows.at(-1)!;
    assert.equal(fresh.model, "new");
    assert.equal(fresh.preliminary, true);
    assert.equal(fresh.rank, null);
    assert.equal(fresh.battles, 3);
    // Its unbounded estimate (it never lost) sits far above everyone, yet no ranked model loses a place.
    assert.ok(fresh.bt > ranked[0].ciUpper);
    assert.deepEqual(
      ranked.map((r) => r.rank),
      [1, 2, 3, 4],
    );
    // The scale: the mean of the ranked models is 1000 (the preliminary one does not pull it).
    assert.deepEqual(board.scale, { mean: 1000, of: "ranked" });
    const mean = ranked.reduce((s, r) => s + r.bt, 0) / ranked.length;
    assert.ok(Math.abs(mean - 1000) < 1e-9, `mean ${mean}`);
    assert.equal(board.options.minBattles, 20);
  });

  it("ranks no one on a single battle: both models are preliminary", () => {
    const board = computeLeaderboard([{ modelA: "a", modelB: "b", winner: "model_a" }], {
      bootstrapRounds: 20,
      minBattles: 20,
    });
    assert.deepEqual(
      board.rows.map((r) => [r.model, r.rank, r.preliminary]),
      [
        ["a", null, true],
        ["b", null, true],
      ],
    );
    assert.deepEqual(board.scale, { mean: 1000, of: "all" });
  });

  it("rank is 1 + the number of ranked models whose interval lies wholly above", () => {
    const board = computeLeaderboard(simulateBattles([0.5, 0.45, 0, -0.5, -0.55], 3000, 11), {
      bootstrapRounds: 60,
      minBattles: 20,
    });
    for (const r of board.rows) {
      const above = board.rows.filter((o) => o.ciLower > r.ciUpper).length;
      assert.equal(r.rank, 1 + above, r.model);
      assert.ok(r.ciLower <= r.bt && r.bt <= r.ciUpper);
    }
    // Close pairs share a rank; the gap between the groups shows.
    assert.deepEqual(
      board.rows.map((r) => r.rank),
      [1, 1, 3, 4, 4],
    );
  });

  it("a named anchor sits at its rating even when preliminary; 400 points are a factor of 10 in odds", () => {
    const battles = simulateBattles([0.5, 0, -0.5], 3000, 3);
    battles.push(
      { modelA: "base", modelB: "m1", winner: "model_b" },
      { modelA: "base", modelB: "m2", winner: "model_a" },
    );
    const board = computeLeaderboard(battles, {
      bootstrapRounds: 0,
      minBattles: 20,
      anchor: { model: "base", rating: 1000 },
    });
    assert.equal(board.rows.find((r) => r.model === "base")!.bt, 1000);
    assert.deepEqual(board.scale, { anchor: { model: "base", rating: 1000 } });
    const bt = (m: string) => board.rows.find((r) => r.model === m)!.bt;
    // True strengths 0.5 apart in base-10 logits are 200 points apart on this scale.
    assert.ok(Math.abs(bt("m0") - bt("m1") - 200) < 25, `${bt("m0") - bt("m1")}`);
  });

  it("rejects a negative or fractional minBattles", () => {
    assert.throws(() => computeLeaderboard(small, { minBattles: -1 }), /minBattles/);
    assert.throws(() => computeLeaderboard(small, { minBattles: 1.5 }), /minBattles/);
  });

  it("rejects invalid battles with a message naming the battle", () => {
    assert.throws(() => computeLeaderboard([{ modelA: "a", modelB: "a", winner: "model_a" }]), /battle 0/);
    assert.throws(
      () => computeLeaderboard([{ modelA: "a", modelB: "b", winner: "draw" as never }]),
      /battle 0: unknown winner/,
    );
  });
});
