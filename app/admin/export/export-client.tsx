"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { ExportEndChecker } from "@/lib/export/end";
import { DataRow, DataTable } from "../../components/data-table";
import { DatasetFromSliceForm } from "./slice-form";

const FORMATS = [
  { id: "jsonl", label: "JSONL" },
  { id: "csv", label: "CSV" },
  { id: "parquet", label: "Parquet" },
  { id: "arena", label: "Arena battles" },
] as const;
const VOTES = [
  { id: "a", label: "A better" },
  { id: "b", label: "B better" },
  { id: "tie", label: "Tie" },
  { id: "bothbad", label: "Both bad" },
];

interface Preview {
  count: number;
  preview: {
    id: string;
    question: string;
    modelA: string;
    modelB: string;
    vote: string;
    subject: string;
    question_type: string;
    tstamp: number;
    voter: string;
  }[];
}

function MultiCheck({
  legend,
  options,
  value,
  onChange,
}: {
  legend: string;
  options: { id: string; label: string }[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  const base = useId();
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {options.length === 0 ? (
        <p className="muted text-sm">None yet.</p>
      ) : (
        <div className="flex max-h-32 flex-wrap gap-x-4 gap-y-1 overflow-y-auto">
          {options.map((o) => (
            <label key={o.id} htmlFor={`${base}-${o.id}`} className="flex items-center gap-1.5 text-sm">
              <input
                id={`${base}-${o.id}`}
                type="checkbox"
                checked={value.includes(o.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...value, o.id] : value.filter((x) => x !== o.id))
                }
              />
              {o.label}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

export function ExportClient({ subjects, models }: { subjects: string[]; models: string[] }) {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [subjectSel, setSubjects] = useState<string[]>([]);
  const [modelSel, setModels] = useState<string[]>([]);
  const [votes, setVotes] = useState<string[]>([]);
  const [trusted, setTrusted] = useState(false);
  const [flagged, setFlagged] = useState(false);
  const [excluded, setExcluded] = useState(false);
  const [progress, setProgress] = useState<{ format: string; bytes: number; rows: number } | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  const query = useMemo(() => {
    const p = new URLSearchParams();
    if (from) p.set("from", from);
    if (to) p.set("to", to);
    if (subjectSel.length) p.set("subjects", subjectSel.join(","));
    if (modelSel.length) p.set("models", modelSel.join(","));
    if (votes.length) p.set("votes", votes.join(","));
    if (trusted) p.set("trusted", "only");
    if (flagged) p.set("flagged", "include");
    if (excluded) p.set("excluded", "include");
    return p.toString();
  }, [from, to, subjectSel, modelSel, votes, trusted, flagged, excluded]);

  const summary = useQuery<Preview, Error>({
    queryKey: ["export-summary", query],
    queryFn: async () => {
      const res = await fetch(`/api/v1/admin/export?summary=1&${query}`);
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ?? "The preview failed.");
      return body as Preview;
    },
  });

  async function download(format: string) {
    setDownloadError(null);
    setProgress({ format, bytes: 0, rows: 0 });
    try {
      const res = await fetch(`/api/v1/admin/export?format=${format}&${query}`);
      if (!res.ok || !res.body) {
        const body = await res.json().catch(() => ({}));
        throw new Error(body.error ?? `The export failed (${res.status}).`);
      }
      const name =
        /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `export.${format}`;
      const reader = res.body.getReader();
      // The text formats end with {"_end":true,"count":N}: a download cut short is refused, not saved.
      const checker =
        format === "jsonl" || format === "csv" || format === "arena" ? new ExportEndChecker(format) : null;
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      let rows = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        checker?.push(value);
        bytes += value.length;
        if (format !== "parquet") for (const b of value) if (b === 10) rows++;
        setProgress({ format, bytes, rows });
      }
      if (checker) {
        try {
          checker.finish();
        } catch (e) {
          throw new Error(`The export was not saved: ${(e as Error).message}.`);
        }
      }
      const url = URL.createObjectURL(new Blob(parts, { type: res.headers.get("content-type") ?? "" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setProgress(null);
    } catch (e) {
      setProgress(null);
      setDownloadError((e as Error).message);
    }
  }

  const count = summary.data?.count ?? 0;
  // Lines: the records, the end line and, in CSV, the header.
  const expectedRows = progress?.format === "csv" ? count + 2 : count + 1;
  return (
    <div className="space-y-6">
      <form
        className="card grid gap-4 md:grid-cols-2"
        aria-label="Export filters"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="grid grid-cols-2 gap-3">
          <div>
            <label htmlFor="from" className="mb-1 block text-sm font-medium">
              From (UTC)
            </label>
            <input
              id="from"
              type="date"
              className="input"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="to" className="mb-1 block text-sm font-medium">
              To (UTC, inclusive)
            </label>
            <input id="to" type="date" className="input" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
        </div>
        <MultiCheck legend="Votes" options={VOTES} value={votes} onChange={setVotes} />
        <MultiCheck
          legend="Subjects (all when none ticked)"
          options={subjects.map((s) => ({ id: s, label: s }))}
          value={subjectSel}
          onChange={setSubjects}
        />
        <MultiCheck
          legend="Models (battles with any of them)"
          options={models.map((m) => ({ id: m, label: m }))}
          value={modelSel}
          onChange={setModels}
        />
        <fieldset className="space-y-1 text-sm md:col-span-2">
          <legend className="mb-1 font-medium">Voters and battles</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} />
            Only trusted voters
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={flagged} onChange={(e) => setFlagged(e.target.checked)} />
            Include flagged battles (an answer revealed its model)
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={excluded} onChange={(e) => setExcluded(e.target.checked)} />
            Include voters whose votes are excluded
          </label>
        </fieldset>
      </form>

      <section aria-labelledby="preview-heading" className="space-y-3">
        <h2 id="preview-heading" className="text-lg font-semibold">
          Preview{" "}
          <span className="muted text-sm font-normal" aria-live="polite">
            {summary.isPending
              ? "counting…"
              : summary.data
                ? `${summary.data.count.toLocaleString("en")} records`
                : ""}
          </span>
        </h2>
        {summary.error && (
          <p role="alert" className="field-error">
            {summary.error.message}
          </p>
        )}
        {summary.data && summary.data.preview.length === 0 && (
          <p className="muted text-sm">No votes match these filters.</p>
        )}
        {summary.data && summary.data.preview.length > 0 && (
          <DataTable
            columns={["Question", "Model A", "Model B", "Vote", "Subject", "Type", "Voter", "Time"]}
            caption="First records of the export"
          >
            {summary.data.preview.map((r) => (
              <DataRow key={r.id}>
                <td className="max-w-[18rem] truncate px-3 py-2" title={r.question}>
                  {r.question}
                </td>
                <td className="px-3 py-2">{r.modelA}</td>
                <td className="px-3 py-2">{r.modelB}</td>
                <td className="px-3 py-2">{r.vote}</td>
                <td className="px-3 py-2">{r.subject || "—"}</td>
                <td className="px-3 py-2">{r.question_type}</td>
                <td className="px-3 py-2 font-mono text-xs">{r.voter.slice(0, 10)}…</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {new Date(r.tstamp * 1000).toISOString().slice(0, 16).replace("T", " ")}
                </td>
              </DataRow>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="download-heading" className="space-y-3">
        <h2 id="download-heading" className="text-lg font-semibold">
          Download
        </h2>
        <div className="flex flex-wrap gap-2">
          {FORMATS.map((f) => (
            <button
              key={f.id}
              type="button"
              className="btn-primary"
              disabled={progress !== null}
              onClick={() => download(f.id)}
            >
              Download {f.label}
            </button>
          ))}
        </div>
        {progress && (
          <div role="status" aria-live="polite" className="space-y-1 text-sm">
            <p>
              Exporting {progress.format}: {(progress.bytes / 1024 / 1024).toFixed(1)} MB
              {progress.format !== "parquet" &&
                ` · ${progress.rows.toLocaleString("en")} of ${expectedRows.toLocaleString("en")} rows`}
            </p>
            <progress
              className="h-2 w-full"
              aria-label="Export progress"
              max={progress.format === "parquet" ? undefined : Math.max(1, expectedRows)}
              value={progress.format === "parquet" ? undefined : progress.rows}
            />
          </div>
        )}
        {downloadError && (
          <p role="alert" className="field-error">
            {downloadError}
          </p>
        )}
      </section>

      <DatasetFromSliceForm query={query} count={count} />
    </div>
  );
}
