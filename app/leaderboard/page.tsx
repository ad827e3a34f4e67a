import type { Metadata } from "next";
import Link from "next/link";
import { describeFilter, filterKey, parseLeaderboardFilter } from "@/lib/arena/leaderboard-filter";
import { leaderboardView } from "@/lib/arena/leaderboard-view";
import { SUBJECTS } from "@/lib/arena/subjects";
import { env } from "@/lib/env";
import { DEMO_EXPLANATION, DEMO_LABEL } from "@/lib/providers/demo-models";
import { AutoRefresh } from "./auto-refresh";
import { heat, Matrix } from "./matrix";
import { PreliminaryTable, RankedTable } from "./ratings-table";

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export const metadata: Metadata = { title: "Leaderboard" };
export const dynamic = "force-dynamic";

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const { filter, errors } = parseLeaderboardFilter(params);
  const showElo = params.elo === "1";
  const filtered = filterKey(filter) !== "";
  const { data, updatedAt, pendingVotes, computing, demoModels, hiddenModels } =
    await leaderboardView(filter);
  const demo = new Set(demoModels);
  const rows = data?.rows ?? [];
  const ranked = rows.filter((r) => r.preliminary !== true);
  const preliminary = rows.filter((r) => r.preliminary === true);
  const minBattles = data?.minBattles ?? env().RANKING_MIN_BATTLES;
  const scale = data?.scale;
  const atThousand =
    scale && "anchor" in scale
      ? `${scale.anchor.model} sits at ${scale.anchor.rating}`
      : scale?.of === "all"
        ? "the mean of all models is 1000"
        : "the mean of the ranked models is 1000";
  const maxCount = Math.max(0, ...(data?.battleCount.flat() ?? [0]));
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Leaderboard</h1>
        <p className="muted mt-1 text-sm" data-testid="rating-method">
          Bradley-Terry ratings from the arena&apos;s votes, on the Elo scale: 400 points mean 10 times the
          odds of winning; {atThousand}. The range is the 95% bootstrap interval (
          {data?.bootstrapRounds ?? 100} resamples of the battles). Rank is 1 + the number of models whose
          range lies wholly above. Ties and &quot;both bad&quot; count half a win. Models with fewer than{" "}
          {minBattles} battles are listed apart as preliminary. Style-controlled ratings adjust for answer
          length, citations, headers, lists and bold text.
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
        <label className="flex items-center gap-2 py-2 text-sm">
          <input type="checkbox" name="elo" value="1" defaultChecked={showElo} />
          Show online Elo
        </label>
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
          <dt className="muted text-xs">Models ranked (preliminary)</dt>
          <dd className="text-xl font-semibold" data-testid="models-rated">
            {ranked.length}
            {preliminary.length > 0 && (
              <span className="muted text-sm font-normal"> ({preliminary.length})</span>
            )}
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
            <h2 id="ratings-heading" className="text-lg font-semibold">
              Ranked models
            </h2>
            {ranked.length > 0 ? (
              <RankedTable rows={ranked} showElo={showElo} demo={demo} />
            ) : (
              <p className="card text-sm" data-testid="no-ranked">
                No model has {minBattles} battles yet, so none is ranked. The preliminary list below shows the
                votes so far.
              </p>
            )}
            {data?.mleExists === false && (
              <p className="muted text-sm">
                Some models have never lost (or never won) against the others: their ratings are held finite
                by a weak prior, and their intervals are wide.
              </p>
            )}
          </section>
          {preliminary.length > 0 && (
            <section aria-labelledby="preliminary-heading" className="space-y-2">
              <h2 id="preliminary-heading" className="text-lg font-semibold">
                Preliminary
              </h2>
              <p className="muted text-sm">
                Fewer than {minBattles} battles: too few for a rating that means anything, so these models
                have no rating or rank yet.
              </p>
              <PreliminaryTable rows={preliminary} minBattles={minBattles} demo={demo} />
            </section>
          )}
          <div className="grid grid-cols-1 gap-8 lg:grid-cols-2">
            <Matrix
              id="winrate-heading"
              title="Win rate"
              caption="Share of battles the row model won against the column model (ties count half). Columns are numbered as the rows."
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
              caption="Battles counted between each pair of models. Columns are numbered as the rows."
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
