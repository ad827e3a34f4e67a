import type { Metadata } from "next";
import Link from "next/link";
import { describeFilter, filterKey, parseLeaderboardFilter } from "@/lib/arena/leaderboard-filter";
import { leaderboardView } from "@/lib/arena/service";
import { SUBJECTS } from "@/lib/arena/subjects";
import { DEMO_EXPLANATION, DEMO_LABEL } from "@/lib/providers/demo-models";
import { AutoRefresh } from "./auto-refresh";

export const metadata: Metadata = { title: "Leaderboard" };
export const dynamic = "force-dynamic";

const fmt = (x: number) => Math.round(x).toString();
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function heat(value: number, max: number, hue: number) {
  const a = max > 0 ? 0.08 + 0.72 * (value / max) : 0;
  return { backgroundColor: `hsl(${hue} 80% 45% / ${a.toFixed(3)})` };
}

function Matrix({
  title,
  id,
  models,
  cell,
  caption,
}: {
  title: string;
  id: string;
  models: string[];
  cell: (i: number, j: number) => { text: string; style?: React.CSSProperties; label: string };
  caption: string;
}) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      <p className="muted text-sm">{caption}</p>
      <div className="overflow-x-auto">
        <table className="border-collapse text-xs">
          <thead>
            <tr>
              <th scope="col" className="px-2 py-1 text-left">
                <span className="sr-only">Row model against column model</span>
              </th>
              {models.map((m) => (
                <th key={m} scope="col" className="max-w-[7rem] truncate px-2 py-1 font-medium" title={m}>
                  {m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((row, i) => (
              <tr key={row}>
                <th
                  scope="row"
                  className="max-w-[10rem] truncate px-2 py-1 text-left font-medium"
                  title={row}
                >
                  {row}
                </th>
                {models.map((col, j) => {
                  const c = cell(i, j);
                  return (
                    <td
                      key={col}
                      className="h-9 min-w-[3.5rem] border border-slate-200 px-2 text-center tabular-nums dark:border-slate-800"
                      style={c.style}
                      title={c.label}
                    >
                      {c.text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { filter, errors } = parseLeaderboardFilter(await searchParams);
  const filtered = filterKey(filter) !== "";
  const { data, updatedAt, pendingVotes, computing, demoModels, hiddenModels } =
    await leaderboardView(filter);
  const demo = new Set(demoModels);
  const rows = data?.rows ?? [];
  const maxCount = Math.max(0, ...(data?.battleCount.flat() ?? [0]));
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Leaderboard</h1>
        <p className="muted mt-1 text-sm">
          Ratings from the arena&apos;s votes: online Elo (K = 4) and Bradley-Terry by maximum likelihood with
          95% bootstrap intervals ({data?.bootstrapRounds ?? 100} rounds); ties and &quot;both bad&quot; count
          half a win. Rank is 1 + the number of models whose interval lies entirely above. Style-controlled BT
          adjusts for answer length, citations, headers, lists and bold text.
        </p>
      </div>

      <form
        method="get"
        action="/leaderboard"
        aria-label="Filters"
        className="card flex flex-wrap items-end gap-3"
      >
        <div className="space-y-1">
          <label htmlFor="filter-subject" className="block text-sm font-medium">
            Field
          </label>
          <select
            id="filter-subject"
            name="subject"
            className="input w-auto"
            defaultValue={filter.subject ?? ""}
          >
            <option value="">All fields</option>
            {SUBJECTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-from" className="block text-sm font-medium">
            Votes from
          </label>
          <input
            id="filter-from"
            name="from"
            type="date"
            className="input w-auto"
            defaultValue={filter.from}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-to" className="block text-sm font-medium">
            Votes until
          </label>
          <input id="filter-to" name="to" type="date" className="input w-auto" defaultValue={filter.to} />
        </div>
        <button type="submit" className="btn-primary">
          Apply filters
        </button>
        {filtered && (
          <Link href="/leaderboard" className="btn-secondary">
            Clear filters
          </Link>
        )}
        <p className="muted w-full text-xs" data-testid="filter-description">
          Showing: {describeFilter(filter)}. Dates are UTC days of the vote, both ends included.
        </p>
      </form>
      {errors.length > 0 && (
        <div
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          {errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      )}
      {computing && (
        <>
          <p role="status" className="card text-sm">
            Computing the leaderboard for {describeFilter(filter)}… This page refreshes by itself when it is
            ready.
          </p>
          <AutoRefresh />
        </>
      )}

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Counts">
        <div className="card p-3">
          <dt className="muted text-xs">Models rated</dt>
          <dd className="text-xl font-semibold" data-testid="models-rated">
            {rows.length}
          </dd>
        </div>
        <div className="card p-3">
          <dt className="muted text-xs">Battles counted</dt>
          <dd className="text-xl font-semibold" data-testid="battles-counted">
            {data?.totalBattles ?? 0}
          </dd>
        </div>
        <div className="card p-3">
          <dt className="muted text-xs">Excluded (flagged or excluded voters)</dt>
          <dd className="text-xl font-semibold" data-testid="excluded-count">
            {data?.excluded ?? 0}
          </dd>
        </div>
        <div className="card p-3">
          <dt className="muted text-xs">Last update</dt>
          <dd className="text-sm font-semibold">
            {updatedAt ? (
              <time dateTime={updatedAt.toISOString()}>
                {updatedAt.toISOString().slice(0, 19).replace("T", " ")} UTC
              </time>
            ) : (
              "never"
            )}
          </dd>
        </div>
      </dl>
      {(hiddenModels > 0 || data?.models.some((m) => demo.has(m))) && (
        <p className="muted text-sm" data-testid="board-notes">
          {data?.models.some((m) => demo.has(m)) && (
            <>
              Models marked “{DEMO_LABEL}”: {DEMO_EXPLANATION}{" "}
            </>
          )}
          {hiddenModels > 0 &&
            `${hiddenModels} model${hiddenModels === 1 ? " is" : "s are"} not listed here (an admin's choice); their battles still count for the others.`}
        </p>
      )}
      {pendingVotes > 0 && (
        <p role="status" className="muted text-sm">
          {pendingVotes} new vote{pendingVotes === 1 ? "" : "s"} since this update; the ratings refresh in a
          few seconds.
        </p>
      )}
      {!computing && pendingVotes > 0 && <AutoRefresh seconds={5} />}

      {computing ? null : rows.length === 0 && filtered ? (
        <div className="card">
          <p>No counted votes match these filters.</p>
          <p className="muted mt-1 text-sm">
            Try another field or a wider date range, or{" "}
            <Link href="/leaderboard" className="underline">
              show all votes
            </Link>
            .
          </p>
        </div>
      ) : rows.length === 0 ? (
        <div className="card">
          <p>No votes yet.</p>
          <p className="muted mt-1 text-sm">
            Ratings appear here after the first vote in the{" "}
            <Link href="/arena" className="underline">
              arena
            </Link>
            .
          </p>
        </div>
      ) : (
        <>
          <section aria-labelledby="ratings-heading" className="space-y-2">
            <h2 id="ratings-heading" className="sr-only">
              Ratings
            </h2>
            <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
              <table className="w-full text-left text-sm tabular-nums">
                <thead className="bg-slate-50 dark:bg-slate-900">
                  <tr>
                    {[
                      "Rank",
                      "Model",
                      "BT rating",
                      "95% CI",
                      "Elo",
                      "Style-controlled BT",
                      "Battles",
                      "Win rate",
                    ].map((h) => (
                      <th key={h} scope="col" className="px-3 py-2 whitespace-nowrap">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.model} className="border-t border-slate-200 dark:border-slate-800">
                      <td className="px-3 py-2">{r.rank}</td>
                      <th scope="row" className="px-3 py-2 font-medium">
                        {r.model}
                        {demo.has(r.model) && (
                          <span className="muted block text-xs font-normal">{DEMO_LABEL}</span>
                        )}
                      </th>
                      <td className="px-3 py-2">{fmt(r.bt)}</td>
                      <td className="px-3 py-2 whitespace-nowrap">
                        +{fmt(r.ciUpper - r.bt)} / −{fmt(r.bt - r.ciLower)}
                        <span className="muted ml-1 text-xs">
                          ({fmt(r.ciLower)}–{fmt(r.ciUpper)})
                        </span>
                      </td>
                      <td className="px-3 py-2">{fmt(r.elo)}</td>
                      <td className="px-3 py-2">{r.styleBt === undefined ? "—" : fmt(r.styleBt)}</td>
                      <td className="px-3 py-2">{r.battles}</td>
                      <td className="px-3 py-2">{pct(r.winRate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <div className="grid gap-8 lg:grid-cols-2">
            <Matrix
              id="winrate-heading"
              title="Win rate"
              caption="Share of battles the row model won against the column model (ties count half)."
              models={data?.models ?? []}
              cell={(i, j) => {
                const v = data?.winRate[i][j] ?? null;
                return v === null
                  ? { text: i === j ? "" : "–", label: i === j ? "" : "never met" }
                  : {
                      text: pct(v),
                      style: heat(Math.abs(v - 0.5) * 2, 1, v >= 0.5 ? 150 : 0),
                      label: `${data?.models[i]} won ${pct(v)} against ${data?.models[j]}`,
                    };
              }}
            />
            <Matrix
              id="count-heading"
              title="Battle count"
              caption="Battles counted between each pair of models."
              models={data?.models ?? []}
              cell={(i, j) => {
                const v = data?.battleCount[i][j] ?? 0;
                return {
                  text: i === j ? "" : String(v),
                  style: i === j ? undefined : heat(v, maxCount, 205),
                  label: `${v} battles between ${data?.models[i]} and ${data?.models[j]}`,
                };
              }}
            />
          </div>
        </>
      )}
    </div>
  );
}
