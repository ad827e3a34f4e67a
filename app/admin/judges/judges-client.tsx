"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import {
  accuracyEstimate,
  consistencyEstimate,
  type JudgeSummary as Summary,
  type Tally,
} from "@/lib/judges/metrics";
import type { UnparseableGroup } from "@/lib/judges/parse";
import { DEMO_LABEL, isDemoModel } from "@/lib/providers/demo-models";
import { EstimateValue } from "../../components/estimate-value";

interface Run {
  id: string;
  judgeName: string;
  prompt: string;
  status: string;
  error: string | null;
  total: number;
  done: number;
  summary: Summary | null;
  /** Why replies gave no verdict (lib/judges/views.ts). */
  unparseable: UnparseableGroup[];
  createdAt: string;
  finishedAt: string | null;
  dataset: { id: string; name: string };
}
interface Dataset {
  id: string;
  name: string;
  source: string;
  itemCount: number;
  createdAt: string;
}

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)}%`;
const live = (s: string) => s === "queued" || s === "running";

function ImportForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<string[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("file");
    const name = String(form.get("name") ?? "");
    setErrors([]);
    setMessage(null);
    if (!(file instanceof File) || file.size === 0) {
      setErrors(["Choose a SciArena-Eval file (.json or .jsonl)."]);
      return;
    }
    setPending(true);
    try {
      const res = await fetch(`/api/v1/admin/datasets?name=${encodeURIComponent(name)}`, {
        method: "POST",
        body: file,
        headers: { "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(file.name) },
      });
      const body = await res.json();
      if (!res.ok) {
        setErrors(
          body.details?.length
            ? body.details.map((d: { message: string }) => d.message)
            : [body.error ?? "Import failed."],
        );
        return;
      }
      setMessage(`Imported "${body.name}": ${body.itemCount} records.`);
      router.refresh();
    } finally {
      setPending(false);
    }
  }
  return (
    <form
      onSubmit={submit}
      className="card grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
      aria-label="Import a dataset"
    >
      <div>
        <label htmlFor="import-name" className="mb-1 block text-sm font-medium">
          Dataset name
        </label>
        <input id="import-name" name="name" className="input" required maxLength={120} />
      </div>
      <div>
        <label htmlFor="import-file" className="mb-1 block text-sm font-medium">
          SciArena-Eval file (JSON or JSONL, up to 50 MB)
        </label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept=".json,.jsonl,.ndjson,application/json"
          className="input"
        />
      </div>
      <button type="submit" className="btn-secondary" disabled={pending}>
        {pending ? "Importing…" : "Import"}
      </button>
      {message && (
        <p role="status" className="text-sm text-emerald-700 sm:col-span-3 dark:text-emerald-400">
          {message}
        </p>
      )}
      {errors.length > 0 && (
        <div role="alert" className="field-error sm:col-span-3">
          <p>The file was not imported:</p>
          <ul className="list-disc pl-5">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}

function StartRunForm({
  datasets,
  judges,
  defaultPrompt,
}: {
  datasets: Dataset[];
  judges: { id: string; name: string; kind: string }[];
  defaultPrompt: string;
}) {
  const client = useQueryClient();
  const [prompt, setPrompt] = useState(defaultPrompt);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setError(null);
    setPending(true);
    try {
      const res = await fetch("/api/v1/admin/judges/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ datasetId: form.get("datasetId"), judgeId: form.get("judgeId"), prompt }),
      });
      const body = await res.json();
      if (!res.ok) {
        setError(body.details?.[0]?.message ?? body.error ?? "The run could not start.");
        return;
      }
      await client.invalidateQueries({ queryKey: ["judge-runs"] });
    } finally {
      setPending(false);
    }
  }
  if (datasets.length === 0)
    return (
      <p className="muted text-sm">
        Import a dataset above, or create one from an export slice, to start a run.
      </p>
    );
  return (
    <form onSubmit={submit} className="card space-y-3" aria-label="Start a judge run">
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="judgeId" className="mb-1 block text-sm font-medium">
            Judge
          </label>
          <select id="judgeId" name="judgeId" className="input">
            {judges.map((j) => (
              <option key={j.id} value={j.id}>
                {j.name} ({isDemoModel(j.kind) ? DEMO_LABEL : j.kind})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="datasetId" className="mb-1 block text-sm font-medium">
            Dataset
          </label>
          <select id="datasetId" name="datasetId" className="input">
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.itemCount} records, {d.source === "import" ? "imported" : "export slice"})
              </option>
            ))}
          </select>
        </div>
      </div>
      <div>
        <label htmlFor="prompt" className="mb-1 block text-sm font-medium">
          Prompt
        </label>
        <textarea
          id="prompt"
          className="input min-h-48 font-mono text-xs"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          aria-describedby="prompt-hint"
        />
        <p id="prompt-hint" className="muted mt-1 text-xs">
          Placeholders: {"{question}"}, {"{responseA}"}, {"{responseB}"} (required), {"{citationsA}"},{" "}
          {"{citationsB}"}. The reply&apos;s first A/B token is the verdict. The extractive baseline ignores
          the prompt and prefers the answer with the higher BM25 score against the question and cited
          passages.
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Starting…" : "Start run"}
        </button>
        <button type="button" className="btn-secondary" onClick={() => setPrompt(defaultPrompt)}>
          Reset prompt
        </button>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}

function Breakdown({ title, rows }: { title: string; rows: Record<string, Tally> }) {
  const entries = Object.entries(rows).sort((a, b) => a[0].localeCompare(b[0]));
  return (
    <table className="w-full text-left text-xs">
      <caption className="mb-1 text-left font-medium">{title}</caption>
      <thead>
        <tr>
          <th scope="col" className="py-1 pr-2">
            Group
          </th>
          <th scope="col" className="py-1 pr-2">
            Accuracy
          </th>
          <th scope="col" className="py-1 pr-2">
            Agree / disagree / unparseable
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([k, t]) => (
          <tr key={k} className="border-t border-slate-200 dark:border-slate-800">
            <th scope="row" className="py-1 pr-2 font-normal">
              {k}
            </th>
            <td className="py-1 pr-2">
              <EstimateValue estimate={accuracyEstimate(t)} kind="share" unit="pairs" />
            </td>
            <td className="py-1 pr-2">
              {t.agreements} / {t.disagreements} / {t.unparseable}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Why replies could not be read, with an example of each reason and what the model needs. */
function Unparseable({ groups }: { groups: UnparseableGroup[] }) {
  const total = groups.reduce((n, g) => n + g.count, 0);
  return (
    <section
      aria-label="Why replies could not be read"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950"
    >
      <p className="font-medium">
        {total} {total === 1 ? "reply" : "replies"} gave no verdict and are left out of the accuracy:
      </p>
      <ul className="space-y-2">
        {groups.map((g) => (
          <li key={g.reason} data-reason={g.reason}>
            <p>
              <strong>{g.count}</strong> · {g.explanation} {g.advice}
            </p>
            <p className="muted mt-1 text-xs">Example reply:</p>
            <pre className="mt-1 max-h-24 overflow-auto rounded bg-white/70 p-2 text-xs break-words whitespace-pre-wrap dark:bg-black/30">
              {g.example || "(empty)"}
            </pre>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RunRow({ run }: { run: Run }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  async function cancel() {
    const res = await fetch(`/api/v1/admin/judges/runs/${run.id}/cancel`, { method: "POST" });
    if (!res.ok) setError((await res.json()).error ?? "Could not cancel.");
    await client.invalidateQueries({ queryKey: ["judge-runs"] });
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
        {live(run.status) && (
          <button type="button" className="btn-danger ml-auto px-2 py-1 text-xs" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      {live(run.status) && (
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
          <div>
            <dt className="muted text-xs">Accuracy</dt>
            <dd className="text-lg">
              {s.accuracy === null && s.pairs > 0 ? (
                <span data-testid="accuracy" className="font-semibold">
                  no verdicts
                </span>
              ) : (
                <EstimateValue estimate={accuracyEstimate(s)} kind="share" unit="pairs" testId="accuracy" />
              )}
            </dd>
          </div>
          <div>
            <dt className="muted text-xs">Swapped-order accuracy</dt>
            <dd className="text-lg">{pct(s.swappedAccuracy)}</dd>
          </div>
          <div>
            <dt className="muted text-xs">Position consistency</dt>
            <dd className="text-lg">
              <EstimateValue estimate={consistencyEstimate(s)} kind="share" unit="pairs" />
            </dd>
          </div>
          <div>
            <dt className="muted text-xs">Pairs (agree / disagree)</dt>
            <dd className="text-lg">
              {s.pairs} ({s.agreements} / {s.disagreements})
            </dd>
          </div>
          <div>
            <dt className="muted text-xs">Unparseable replies</dt>
            <dd className="text-lg">{s.unparseableReplies}</dd>
          </div>
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

export function JudgesClient({
  datasets,
  judges,
  initialRuns,
  defaultPrompt,
}: {
  datasets: Dataset[];
  judges: { id: string; name: string; kind: string }[];
  initialRuns: Run[];
  defaultPrompt: string;
}) {
  const runs = useQuery<Run[]>({
    queryKey: ["judge-runs"],
    queryFn: async () => {
      const res = await fetch("/api/v1/admin/judges/runs");
      if (!res.ok) throw new Error("Could not load the runs.");
      return (await res.json()).runs as Run[];
    },
    initialData: initialRuns,
    refetchInterval: (q) => ((q.state.data ?? []).some((r) => live(r.status)) ? 1000 : false),
  });
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
            <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Runs compared</caption>
                <thead className="bg-slate-50 dark:bg-slate-900">
                  <tr>
                    {["Judge", "Dataset", "Status", "Accuracy", "Consistency", "Unparseable", "Pairs"].map(
                      (h) => (
                        <th key={h} scope="col" className="px-3 py-2">
                          {h}
                        </th>
                      ),
                    )}
                  </tr>
                </thead>
                <tbody>
                  {runs.data.map((r) => (
                    <tr key={r.id} className="border-t border-slate-200 dark:border-slate-800">
                      <th scope="row" className="px-3 py-2 font-medium">
                        {r.judgeName}
                      </th>
                      <td className="px-3 py-2">{r.dataset.name}</td>
                      <td className="px-3 py-2">
                        {r.status}
                        {live(r.status) && ` (${r.done}/${r.total})`}
                      </td>
                      <td className="px-3 py-2">
                        {r.summary && r.summary.accuracy === null && r.summary.pairs > 0 ? (
                          "no verdicts"
                        ) : r.summary ? (
                          <EstimateValue estimate={accuracyEstimate(r.summary)} kind="share" unit="pairs" />
                        ) : (
                          "—"
                        )}
                      </td>
                      <td className="px-3 py-2">
                        {r.summary ? (
                          <EstimateValue
                            estimate={consistencyEstimate(r.summary)}
                            kind="share"
                            unit="pairs"
                          />
                        ) : (
                          "—"
                        )}
                      </td>
                      <td className="px-3 py-2">{r.summary?.unparseableReplies ?? "—"}</td>
                      <td className="px-3 py-2">{r.summary?.pairs ?? r.total}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ul className="space-y-3">
              {runs.data.map((r) => (
                <RunRow key={r.id} run={r} />
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
