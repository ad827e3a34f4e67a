import type { SnapshotRow } from "@/lib/arena/ratings-snapshots";
import { DEMO_LABEL } from "@/lib/providers/demo-models";
import { DataRow, DataTable } from "../components/data-table";

/** A model's name, with the demo label under it for the tiny demo model's configurations. */
function ModelName({ model, demo }: { model: string; demo: ReadonlySet<string> }) {
  return (
    <th scope="row" className="px-3 py-2 font-medium break-words">
      {model}
      {demo.has(model) && <span className="muted block text-xs font-normal">{DEMO_LABEL}</span>}
    </th>
  );
}

const fmt = (x: number) => Math.round(x).toString();
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/**
 * The ranked models: rank, rating and its 95% interval as a range, battles; win rate and style-controlled
 * rating from 640 px up, online Elo only when asked for. On a phone the range sits under the rating.
 */
export function RankedTable({
  rows,
  showElo,
  demo,
}: {
  rows: SnapshotRow[];
  showElo: boolean;
  demo: ReadonlySet<string>;
}) {
  const wide = "hidden px-3 py-2 sm:table-cell";
  const onWide = "hidden sm:table-cell";
  return (
    <DataTable
      className="w-full text-left text-sm tabular-nums"
      columns={[
        "Rank",
        "Model",
        "Rating",
        { key: "interval", label: "95% interval", className: `${onWide} whitespace-nowrap` },
        { key: "style", label: "Style-controlled", className: onWide },
        showElo && "Elo",
        "Battles",
        { key: "winrate", label: "Win rate", className: `${onWide} whitespace-nowrap` },
      ]}
    >
      {rows.map((r) => (
        <DataRow key={r.model}>
          <td className="px-3 py-2">{r.rank}</td>
          <ModelName model={r.model} demo={demo} />
          <td className="px-3 py-2">
            <span data-testid={`rating-${r.model}`}>{fmt(r.bt)}</span>
            <span className="muted block text-xs whitespace-nowrap sm:hidden">
              {fmt(r.ciLower)} to {fmt(r.ciUpper)}
            </span>
          </td>
          <td className={`${wide} whitespace-nowrap`} data-testid={`interval-${r.model}`}>
            {fmt(r.ciLower)} to {fmt(r.ciUpper)}
          </td>
          <td className={wide}>{r.styleBt === undefined ? "—" : fmt(r.styleBt)}</td>
          {showElo && <td className="px-3 py-2">{fmt(r.elo)}</td>}
          <td className="px-3 py-2">{r.battles}</td>
          <td className={wide}>{pct(r.winRate)}</td>
        </DataRow>
      ))}
    </DataTable>
  );
}

/**
 * Models under the minimum number of battles: no rating or rank is shown, since a few votes put an
 * estimate anywhere (a model that has only won has no finite one), only what was observed.
 */
export function PreliminaryTable({
  rows,
  minBattles,
  demo,
}: {
  rows: SnapshotRow[];
  minBattles: number;
  demo: ReadonlySet<string>;
}) {
  return (
    <DataTable
      columns={["Model", "Battles", { key: "Win rate", label: "Win rate", className: "whitespace-nowrap" }]}
      className="w-full text-left text-sm tabular-nums"
    >
      {rows.map((r) => (
        <DataRow key={r.model}>
          <ModelName model={r.model} demo={demo} />
          <td className="px-3 py-2">
            {r.battles} <span className="muted text-xs">of {minBattles}</span>
          </td>
          <td className="px-3 py-2">{pct(r.winRate)}</td>
        </DataRow>
      ))}
    </DataTable>
  );
}
