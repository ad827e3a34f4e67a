"use client";

import { useMutation } from "@tanstack/react-query";
import { type ChangeEvent, type FormEvent, useState } from "react";
import type { ContaminationLabel } from "@/engine/fm/index";
import { CONTAMINATION_LIMITS, parseEntriesText } from "@/lib/search/contamination";
import { CELL, DataRow, DataTable } from "../components/data-table";
import { postJson } from "../components/post-json";
import type { ContaminationAnswer } from "./api";

const MAX_FILE_BYTES = 2_000_000;

const LABEL_STYLE: Record<ContaminationLabel, string> = {
  clean: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  suspicious: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  dirty: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
};

export function ContaminationForm({ domains }: { domains: string[] }) {
  const [input, setInput] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [texts, setTexts] = useState<Map<string, string>>(new Map());
  const check = useMutation({
    mutationFn: (entries: { id: string; text: string }[]) =>
      postJson<ContaminationAnswer>("/api/contamination", { entries }),
  });

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is ${file.size.toLocaleString("en")} bytes; the limit is 2 MB.`);
      return;
    }
    setInput(await file.text());
    setError(null);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const { entries, errors } = parseEntriesText(input);
    const L = CONTAMINATION_LIMITS;
    let problem: string | null = null;
    if (errors.length > 0) {
      problem = `Some lines could not be read: ${errors
        .slice(0, 3)
        .map((x) => `line ${x.line} ${x.message}`)
        .join("; ")}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""}.`;
    } else if (entries.length === 0) problem = "Paste or upload at least one entry.";
    else if (entries.length > L.maxEntries) {
      problem = `${entries.length} entries; the limit is ${L.maxEntries} per check.`;
    } else {
      const long = entries.findIndex((x) => x.text.length > L.maxEntryChars);
      if (long >= 0) problem = `Entry ${entries[long].id} is longer than ${L.maxEntryChars} characters.`;
    }
    setError(problem);
    if (problem) return;
    setTexts(new Map(entries.map((x) => [x.id, x.text])));
    check.mutate(entries);
  }

  const data = check.data;
  return (
    <section aria-labelledby="contamination-heading" className="space-y-4">
      <form onSubmit={onSubmit} noValidate className="card space-y-4">
        <div>
          <h2 id="contamination-heading" className="text-lg font-semibold">
            Benchmark contamination
          </h2>
          <p className="muted mt-1 max-w-3xl text-sm">
            Each entry is cut into 50-character pieces starting at word boundaries; the share of pieces found
            verbatim in the corpus ({domains.join(", ")}) gives its label: clean below 20%, suspicious below
            80%, dirty otherwise.
          </p>
        </div>
        <div>
          <label htmlFor="contamination-entries" className="mb-1 block text-sm font-medium">
            Benchmark entries
          </label>
          <textarea
            id="contamination-entries"
            className="input min-h-40 font-mono text-xs"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`contamination-entries-hint${error ? " contamination-entries-error" : ""}`}
            spellCheck={false}
            placeholder={'{"id": "q1", "text": "A benchmark question..."}\nor one plain-text entry per line'}
          />
          <p id="contamination-entries-hint" className="muted mt-1 text-xs">
            One entry per line: JSONL objects with a <code>text</code> field (and an optional <code>id</code>
            ), or plain text. Up to {CONTAMINATION_LIMITS.maxEntries} entries of{" "}
            {CONTAMINATION_LIMITS.maxEntryChars} characters.
          </p>
          {error && (
            <p id="contamination-entries-error" role="alert" className="field-error">
              {error}
            </p>
          )}
        </div>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
          <div>
            <label htmlFor="contamination-file" className="mb-1 block text-sm font-medium">
              Or upload a .jsonl file
            </label>
            <input
              id="contamination-file"
              type="file"
              accept=".jsonl,.json,.txt,application/jsonl,application/x-ndjson,text/plain"
              onChange={onFile}
              className="block text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-100"
            />
          </div>
          <button type="submit" className="btn-primary" disabled={check.isPending}>
            {check.isPending ? "Checking…" : "Check contamination"}
          </button>
        </div>
      </form>

      {check.isError && (
        <p role="alert" className="card text-sm text-red-700 dark:text-red-400">
          {check.error.message}
        </p>
      )}
      {data && (
        <div className="card space-y-3">
          <p className="text-sm" role="status">
            {data.summary.entries} {data.summary.entries === 1 ? "entry" : "entries"}:{" "}
            <strong>{data.summary.dirty} dirty</strong>, {data.summary.suspicious} suspicious,{" "}
            {data.summary.clean} clean <span className="muted text-xs">({data.latency.toFixed(0)} ms)</span>
          </p>
          <DataTable
            caption="Contamination per entry"
            className="w-full min-w-[36rem] text-left text-sm"
            columns={[
              "Entry",
              "Text",
              { key: "found", label: "Found", className: "text-right" },
              { key: "share", label: "Share", className: "text-right" },
              "Label",
            ]}
          >
            {data.results.map((r, i) => (
              <DataRow key={`${r.id}-${i}`} className="align-top">
                <th scope="row" className={`max-w-32 break-all font-medium ${CELL}`}>
                  {r.id}
                </th>
                <td className={`max-w-md ${CELL}`}>
                  <span className="line-clamp-2 break-words">{texts.get(r.id) ?? ""}</span>
                </td>
                <td className={`text-right tabular-nums whitespace-nowrap ${CELL}`}>
                  {r.found} / {r.probes}
                </td>
                <td className={`text-right tabular-nums ${CELL}`}>{(100 * r.share).toFixed(0)}%</td>
                <td className={CELL}>
                  <span
                    className={`rounded px-2 py-0.5 text-xs font-semibold ${LABEL_STYLE[r.label]}`}
                    data-testid="contamination-label"
                  >
                    {r.label}
                  </span>
                </td>
              </DataRow>
            ))}
          </DataTable>
        </div>
      )}
    </section>
  );
}
