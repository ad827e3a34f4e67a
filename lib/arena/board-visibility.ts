/**
 * The public leaderboard without the models an admin took off it. Their battles still count in the fit (the
 * other models' ratings are what they are); only their rows and heatmap lines are left out, and the
 * remaining ranks are recounted among the listed ranked models (1 + listed ranked models whose interval
 * lies wholly above; preliminary models keep no rank). Pure.
 */
import { ranksFromIntervals } from "../ranking/bootstrap";
import type { SnapshotData } from "./ratings-snapshots";

export function withoutHiddenModels(data: SnapshotData, hidden: ReadonlySet<string>): SnapshotData {
  if (hidden.size === 0 || !data.models.some((m) => hidden.has(m))) return data;
  const keep = data.models.flatMap((m, i) => (hidden.has(m) ? [] : [i]));
  const rows = data.rows.filter((r) => !hidden.has(r.model));
  // Preliminary models have no rank and take no part in the others' (lib/ranking/leaderboard.ts).
  const ranked = rows.filter((r) => r.preliminary !== true);
  const ranks = ranksFromIntervals(
    ranked.map((r) => r.ciLower),
    ranked.map((r) => r.ciUpper),
  );
  const rankOf = new Map(ranked.map((r, i) => [r.model, ranks[i]]));
  return {
    ...data,
    rows: rows.map((r) => ({ ...r, rank: rankOf.get(r.model) ?? null })),
    models: keep.map((i) => data.models[i]),
    winRate: keep.map((i) => keep.map((j) => data.winRate[i][j])),
    battleCount: keep.map((i) => keep.map((j) => data.battleCount[i][j])),
  };
}
