"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DEMO_LABEL, isDemoModel } from "@/lib/providers/demo-models";
import { SelectField } from "../../components/field";
import { postJson } from "../../components/post-json";
import type { Dataset, Judge } from "./types";
import { JUDGE_RUNS_KEY } from "./use-judge-runs";

/** Starts a judge run: a judge, a dataset and the prompt (editable, with its placeholders explained). */
export function StartRunForm({
  datasets,
  judges,
  defaultPrompt,
}: {
  datasets: Dataset[];
  judges: Judge[];
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
      await postJson("/api/v1/admin/judges/runs", {
        datasetId: form.get("datasetId"),
        judgeId: form.get("judgeId"),
        prompt,
      });
      await client.invalidateQueries({ queryKey: JUDGE_RUNS_KEY });
    } catch (err) {
      setError((err as Error).message);
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
        <SelectField id="judgeId" label="Judge">
          {judges.map((j) => (
            <option key={j.id} value={j.id}>
              {j.name} ({isDemoModel(j.kind) ? DEMO_LABEL : j.kind})
            </option>
          ))}
        </SelectField>
        <SelectField id="datasetId" label="Dataset">
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.itemCount} records, {d.source === "import" ? "imported" : "export slice"})
            </option>
          ))}
        </SelectField>
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
