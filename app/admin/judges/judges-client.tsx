"use client";

import { ImportForm } from "./import-form";
import { RunCard } from "./run-card";
import { RunsTable } from "./runs-table";
import { StartRunForm } from "./start-run-form";
import type { Dataset, Judge, Run } from "./types";
import { useJudgeRuns } from "./use-judge-runs";

/** The judges page's three sections: datasets (import), start a run, and the runs (live while running). */
export function JudgesClient({
  datasets,
  judges,
  initialRuns,
  defaultPrompt,
}: {
  datasets: Dataset[];
  judges: Judge[];
  initialRuns: Run[];
  defaultPrompt: string;
}) {
  const runs = useJudgeRuns(initialRuns);
  return (
    <>
      <section aria-labelledby="datasets-heading" className="space-y-3">
        <h2 id="datasets-heading" className="text-lg font-semibold">
          Datasets <span className="muted text-sm font-normal">({datasets.length})</span>
        </h2>
        <ImportForm />
        {datasets.length > 0 && (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
            {datasets.map((d) => (
              <li key={d.id} className="flex flex-wrap gap-3 px-3 py-2">
                <span className="font-medium">{d.name}</span>
                <span className="muted">{d.itemCount} records</span>
                <span className="muted">{d.source === "import" ? "imported file" : "export slice"}</span>
                <span className="muted">{d.createdAt.slice(0, 10)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="start-heading" className="space-y-3">
        <h2 id="start-heading" className="text-lg font-semibold">
          Start a run
        </h2>
        <StartRunForm datasets={datasets} judges={judges} defaultPrompt={defaultPrompt} />
      </section>
      <section aria-labelledby="runs-heading" className="space-y-3">
        <h2 id="runs-heading" className="text-lg font-semibold">
          Runs
        </h2>
        {runs.data.length === 0 ? (
          <p className="muted text-sm">No runs yet.</p>
        ) : (
          <>
            <RunsTable runs={runs.data} />
            <ul className="space-y-3">
              {runs.data.map((r) => (
                <RunCard key={r.id} run={r} />
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
