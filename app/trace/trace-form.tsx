"use client";

import { type FormEvent, useEffect, useId, useState } from "react";
import { countChars, type TraceFormValues, type TraceRules, traceProblem } from "@/lib/trace/form-rules";
import type { TraceAnswer } from "@/lib/trace/stored-traces";
import { postJson } from "../components/post-json";
import { PREFILL_KEY, type TracePrefill } from "./trace-link";

/**
 * The text to trace, its prompt, the corpus domains and the settings; checked with the API's own rules
 * (lib/trace/form-rules.ts) before it is sent, and the server's message shown if it still refuses.
 */
export function TraceForm({
  domains,
  rules,
  initial,
  onResult,
}: {
  domains: string[];
  rules: TraceRules;
  initial: TraceAnswer | null;
  onResult: (answer: TraceAnswer) => void;
}) {
  const [response, setResponse] = useState(initial?.response ?? "");
  const [prompt, setPrompt] = useState(initial?.prompt ?? "");
  const [chosen, setChosen] = useState<string[]>(
    initial && initial.settings.domains.length > 0 ? initial.settings.domains : domains,
  );
  const [density, setDensity] = useState(String(initial?.settings.spanDensity ?? rules.defaultSpanDensity));
  const [minWords, setMinWords] = useState(
    String(initial?.settings.minSpanWords ?? rules.defaultMinSpanWords),
  );
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const ids = useId();

  // Text handed over by a "Trace" action elsewhere in the app.
  useEffect(() => {
    if (initial) return;
    try {
      const raw = sessionStorage.getItem(PREFILL_KEY);
      if (!raw) return;
      sessionStorage.removeItem(PREFILL_KEY);
      const p = JSON.parse(raw) as TracePrefill;
      setResponse(p.response ?? "");
      setPrompt(p.prompt ?? "");
      if (p.domains?.length) setChosen(domains.filter((d) => p.domains!.includes(d)));
      if (p.error) setError(p.error);
    } catch {
      // Nothing usable was handed over.
    }
  }, [initial, domains]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const values: TraceFormValues = {
      response,
      prompt: prompt.trim() ? prompt : undefined,
      domains: chosen,
      spanDensity: density.trim() === "" ? undefined : Number(density),
      minSpanWords: minWords.trim() === "" ? undefined : Number(minWords),
    };
    const problem = traceProblem(values, rules, domains, true);
    if (problem) {
      setError(problem.message);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      onResult(
        await postJson<TraceAnswer>("/api/v1/trace", {
          ...values,
          domains: chosen.length === domains.length ? undefined : chosen,
        }),
      );
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card space-y-4" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`} className="text-lg font-semibold">
        Text to trace
      </h2>
      <div>
        <label htmlFor="trace-response" className="mb-1 block text-sm font-medium">
          Model response
        </label>
        <textarea
          id="trace-response"
          className="input min-h-40 font-mono text-sm"
          value={response}
          onChange={(e) => {
            setResponse(e.target.value);
            if (error) setError(undefined);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={`trace-response-hint${error ? " trace-error" : ""}`}
          placeholder="Paste a model's output here."
        />
        <p id="trace-response-hint" className="muted mt-1 text-xs">
          Up to {rules.maxChars.toLocaleString("en")} characters, any script.{" "}
          {countChars(response).toLocaleString("en")} characters now.
        </p>
      </div>
      <div>
        <label htmlFor="trace-prompt" className="mb-1 block text-sm font-medium">
          Prompt (optional, used for relevance)
        </label>
        <textarea
          id="trace-prompt"
          className="input min-h-16 text-sm"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
        />
      </div>
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Corpus domains to search</legend>
        <div className="flex flex-wrap gap-4">
          {domains.map((d) => (
            <label key={d} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={chosen.includes(d)}
                onChange={(e) =>
                  setChosen((c) =>
                    e.target.checked
                      ? domains.filter((x) => x === d || c.includes(x))
                      : c.filter((x) => x !== d),
                  )
                }
              />
              {d}
            </label>
          ))}
        </div>
      </fieldset>
      <details>
        <summary className="cursor-pointer text-sm font-medium">Settings</summary>
        <div className="mt-2 flex flex-wrap gap-4">
          <label className="text-sm">
            Span density
            <input
              className="input mt-1 w-28"
              type="number"
              step="0.01"
              min="0.01"
              max="1"
              value={density}
              onChange={(e) => setDensity(e.target.value)}
            />
          </label>
          <label className="text-sm">
            Minimum span words
            <input
              className="input mt-1 w-28"
              type="number"
              min="1"
              max={rules.maxMinSpanWords}
              value={minWords}
              onChange={(e) => setMinWords(e.target.value)}
            />
          </label>
        </div>
      </details>
      {error && (
        <p id="trace-error" role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="flex items-center gap-3">
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? "Tracing…" : "Trace"}
        </button>
        {busy && (
          <span role="status" className="muted text-sm">
            Searching the corpus…
          </span>
        )}
      </div>
    </form>
  );
}
