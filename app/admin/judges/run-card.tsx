"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { accuracyEstimate, consistencyEstimate } from "@/lib/judges/metrics";
import { EstimateValue } from "../../components/estimate-value";
import { Stat } from "../../components/stat";
import { Breakdown } from "./breakdown";
import { isLive, type Run } from "./types";
import { Unparseable } from "./unparseable";
import { JUDGE_RUNS_KEY } from "./use-judge-runs";

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)}%`;

/**
 * One run in full: status and progress (cancellable while live), its figures with their n, why replies
 * gave no verdict, and the breakdowns and prompt folded.
 */
export function RunCard({ run }: { run: Run }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  async function cancel() {
    const res = await fetch(`/api/v1/admin/judges/runs/${run.id}/cancel`, { method: "POST" });
    if (!res.ok) setError((await res.json()).error ?? "Could not cancel.");
    await client.invalidateQueries({ queryKey: JUDGE_RUNS_KEY });
  }
  const s = run.summary;
  return (
    <li className="card space-y-2" aria-label={`Run of ${run.judgeName} on ${run.dataset.name}`}>
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h3 className="font-semibold">{run.judgeName}</h3>
        <span className="muted text-sm">on {run.dataset.name}</span>
        <span className="text-sm" data-status={run.status}>
          Status: {run.status}
        </span>
        <span className="muted text-sm">{run.createdAt.slice(0, 16).replace("T", " ")}</span>
        {isLive(run.status) && (
          <button type="button" className="btn-danger ml-auto px-2 py-1 text-xs" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      {isLive(run.status) && (
        <div className="space-y-1">
          <progress
            className="h-2 w-full"
            max={Math.max(1, run.total)}
            value={run.done}
            aria-label={`Progress of ${run.judgeName}`}
          />
          <p className="muted text-xs">
            {run.done} of {run.total} pairs judged
          </p>
        </div>
      )}
      {run.error && (
        <p role="alert" className="field-error">
          {run.error}
        </p>
      )}
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {s && (
        <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
          <Stat label="Accuracy">
            {s.accuracy === null && s.pairs > 0 ? (
              <span data-testid="accuracy" className="font-semibold">
                no verdicts
              </span>
            ) : (
              <EstimateValue estimate={accuracyEstimate(s)} kind="share" unit="pairs" testId="accuracy" />
            )}
          </Stat>
          <Stat label="Swapped-order accuracy">{pct(s.swappedAccuracy)}</Stat>
          <Stat label="Position consistency">
            <EstimateValue estimate={consistencyEstimate(s)} kind="share" unit="pairs" />
          </Stat>
          <Stat label="Pairs (agree / disagree)">
            {s.pairs} ({s.agreements} / {s.disagreements})
          </Stat>
          <Stat label="Unparseable replies">{s.unparseableReplies}</Stat>
        </dl>
      )}
      {run.unparseable.length > 0 && <Unparseable groups={run.unparseable} />}
      {s && (
        <details className="text-sm">
          <summary className="cursor-pointer">Breakdown and prompt</summary>
          <div className="mt-2 grid gap-4 sm:grid-cols-2">
            <Breakdown title="By subject" rows={s.bySubject} />
            <Breakdown title="By question type" rows={s.byQuestionType} />
          </div>
          <pre className="muted mt-2 max-h-48 overflow-auto text-xs whitespace-pre-wrap">{run.prompt}</pre>
        </details>
      )}
    </li>
  );
}
