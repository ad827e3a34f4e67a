/**
 * The public leaderboard without the models an admin took off it. Their battles still count in the fit (the
 * other models' ratings are what they are); only their rows and heatmap lines are left out, and the
 * remaining ranks are recounted among the listed models (1 + listed models whose interval lies wholly
 * above). Pure.
 */
import { ranksFromIntervals } from "../ranking/bootstrap";
import type { SnapshotData } from "./ratings";

export function withoutHiddenModels(data: SnapshotData, hidden: ReadonlySet<string>): SnapshotData {
  if (hidden.size === 0 || !data.models.some((m) => hidden.has(m))) return data;
  const keep = data.models.flatMap((m, i) => (hidden.has(m) ? [] : [i]));
  const rows = data.rows.filter((r) => !hidden.has(r.model));
  const ranks = ranksFromIntervals(
    rows.map((r) => r.ciLower),
    rows.map((r) => r.ciUpper),
  );
  return {
    ...data,
    rows: rows.map((r, i) => ({ ...r, rank: ranks[i] })),
    models: keep.map((i) => data.models[i]),
    winRate: keep.map((i) => keep.map((j) => data.winRate[i][j])),
    battleCount: keep.map((i) => keep.map((j) => data.battleCount[i][j])),
  };
}
