import assert from "node:assert/strict";
import { test } from "node:test";
import { withoutHiddenModels } from "./board-visibility";
import type { SnapshotData } from "./ratings-snapshots";

const row = (model: string, bt: number, lo: number, hi: number, rank: number | null) => ({
  model,
  elo: bt,
  bt,
  ciLower: lo,
  ciUpper: hi,
  rank,
  preliminary: rank === null,
  battles: rank === null ? 3 : 30,
  winRate: 0.5,
});

const data: SnapshotData = {
  rows: [row("big", 1200, 1150, 1250, 1), row("demo", 1100, 1060, 1140, 2), row("small", 1000, 950, 1050, 2)],
  models: ["big", "demo", "small"],
  winRate: [
    [null, 0.8, 0.9],
    [0.2, null, 0.6],
    [0.1, 0.4, null],
  ],
  battleCount: [
    [0, 5, 6],
    [5, 0, 7],
    [6, 7, 0],
  ],
  totalBattles: 18,
  excluded: 0,
  bootstrapRounds: 100,
};

test("a model taken off the board loses its row and heatmap lines; the others are re-ranked among themselves", () => {
  const shown = withoutHiddenModels(data, new Set(["demo"]));
  assert.deepEqual(shown.models, ["big", "small"]);
  assert.deepEqual(
    shown.rows.map((r) => [r.model, r.bt, r.rank]),
    [
      ["big", 1200, 1],
      ["small", 1000, 2],
    ],
  );
  assert.deepEqual(shown.winRate, [
    [null, 0.9],
    [0.1, null],
  ]);
  assert.deepEqual(shown.battleCount, [
    [0, 6],
    [6, 0],
  ]);
  // Hiding the leader: "demo" (ranked 2 under it) is first among the listed models now.
  assert.deepEqual(
    withoutHiddenModels(data, new Set(["big"])).rows.map((r) => [r.model, r.rank]),
    [
      ["demo", 1],
      ["small", 2],
    ],
  );
  assert.equal(withoutHiddenModels(data, new Set()), data);
});

test("a preliminary model keeps no rank and takes no part in the others' ranks when a model is hidden", () => {
  const withNew: SnapshotData = {
    ...data,
    rows: [...data.rows, row("new", 1900, 1300, 2500, null)],
    models: [...data.models, "new"],
    winRate: [...data.winRate.map((r) => [...r, null]), [null, null, null, null]],
    battleCount: [...data.battleCount.map((r) => [...r, 0]), [0, 0, 0, 0]],
  };
  assert.deepEqual(
    withoutHiddenModels(withNew, new Set(["demo"])).rows.map((r) => [r.model, r.rank]),
    [
      ["big", 1],
      ["small", 2],
      ["new", null],
    ],
  );
});
