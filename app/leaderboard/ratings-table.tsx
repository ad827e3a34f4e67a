import type { SnapshotRow } from "@/lib/arena/ratings-snapshots";
import { DEMO_LABEL } from "@/lib/providers/demo-models";

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
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm tabular-nums">
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className="px-3 py-2">
              Rank
            </th>
            <th scope="col" className="px-3 py-2">
              Model
            </th>
            <th scope="col" className="px-3 py-2">
              Rating
            </th>
            <th scope="col" className={`${wide} whitespace-nowrap`}>
              95% interval
            </th>
            <th scope="col" className={wide}>
              Style-controlled
            </th>
            {showElo && (
              <th scope="col" className="px-3 py-2">
                Elo
              </th>
            )}
            <th scope="col" className="px-3 py-2">
              Battles
            </th>
            <th scope="col" className={`${wide} whitespace-nowrap`}>
              Win rate
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.model} className="border-t border-slate-200 dark:border-slate-800">
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
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-sm tabular-nums">
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className="px-3 py-2">
              Model
            </th>
            <th scope="col" className="px-3 py-2">
              Battles
            </th>
            <th scope="col" className="px-3 py-2 whitespace-nowrap">
              Win rate
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.model} className="border-t border-slate-200 dark:border-slate-800">
              <ModelName model={r.model} demo={demo} />
              <td className="px-3 py-2">
                {r.battles} <span className="muted text-xs">of {minBattles}</span>
              </td>
              <td className="px-3 py-2">{pct(r.winRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
