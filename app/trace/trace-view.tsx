"use client";

import {
  type FormEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import type { DocumentContext, TraceDocument } from "@/engine/trace/trace";
import type { TraceAnswer } from "@/lib/trace/service";
import { postJson } from "../components/post-json";
import { PREFILL_KEY, type TracePrefill } from "./trace-link";

const MAX_CHARS = 20_000;
type Level = "high" | "medium" | "low";
const LEVELS: { level: Level; label: string; range: string }[] = [
  { level: "high", label: "High", range: "relevance 70% or more" },
  { level: "medium", label: "Medium", range: "relevance 50% to 69%" },
  { level: "low", label: "Low", range: "relevance under 50%" },
];
const SHADE: Record<Level, string> = {
  high: "bg-amber-400/80 dark:bg-amber-500/70",
  medium: "bg-amber-200 dark:bg-amber-700/60",
  low: "bg-amber-100 dark:bg-amber-900/50",
};

const chars = (s: string) => Array.from(s).length;

/** Client-side check with the server's rules (the server checks again). */
export function traceInputProblem(response: string): string | undefined {
  if (response.trim() === "") return "The response to trace is empty. Paste some text first.";
  const n = chars(response);
  if (n > MAX_CHARS) {
    return `The response is ${n.toLocaleString("en")} characters; the limit is ${MAX_CHARS.toLocaleString("en")} characters.`;
  }
  return undefined;
}

function Marked({ text, start, end }: { text: string; start: number; end: number }) {
  return (
    <>
      {text.slice(0, start)}
      <mark className="rounded bg-amber-300 px-0.5 text-inherit dark:bg-amber-600">
        {text.slice(start, end)}
      </mark>
      {text.slice(end)}
    </>
  );
}

/** The trace page: input form, highlighted response, document panel, document dialog, share link. */
export function TraceView({ domains, initial }: { domains: string[]; initial: TraceAnswer | null }) {
  const [response, setResponse] = useState(initial?.response ?? "");
  const [prompt, setPrompt] = useState(initial?.prompt ?? "");
  const [chosen, setChosen] = useState<string[]>(
    initial && initial.settings.domains.length > 0 ? initial.settings.domains : domains,
  );
  const [density, setDensity] = useState(String(initial?.settings.spanDensity ?? 0.05));
  const [minWords, setMinWords] = useState(String(initial?.settings.minSpanWords ?? 2));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TraceAnswer | null>(initial);
  const [region, setRegion] = useState<number | null>(null);
  const [located, setLocated] = useState<number | null>(null);
  const [copied, setCopied] = useState(false);
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

  const reset = useCallback(() => {
    setRegion(null);
    setLocated(null);
  }, []);

  // Clicking anywhere outside the spans, the documents, the dialog and the form clears the selection.
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const t = e.target as Element | null;
      if (t && !t.closest("[data-keep-selection], dialog, form")) reset();
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, [reset]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !document.querySelector("dialog[open]")) reset();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [reset]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const problem = traceInputProblem(response);
    if (problem) {
      setError(problem);
      return;
    }
    if (chosen.length === 0) {
      setError("Choose at least one domain to search.");
      return;
    }
    const spanDensity = Number(density);
    const minSpanWords = Number(minWords);
    setError(undefined);
    setBusy(true);
    try {
      const answer = await postJson<TraceAnswer>("/api/v1/trace", {
        response,
        prompt: prompt.trim() ? prompt : undefined,
        domains: chosen.length === domains.length ? undefined : chosen,
        spanDensity: Number.isFinite(spanDensity) ? spanDensity : undefined,
        minSpanWords: Number.isFinite(minSpanWords) ? minSpanWords : undefined,
      });
      setResult(answer);
      reset();
      window.history.replaceState(null, "", answer.url);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const shareUrl = result
    ? typeof window === "undefined"
      ? result.url
      : `${window.location.origin}${result.url}`
    : "";

  return (
    <div className="space-y-6">
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
            Up to {MAX_CHARS.toLocaleString("en")} characters, any script.{" "}
            {chars(response).toLocaleString("en")} characters now.
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
                max="100"
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

      {result && (
        <Result
          result={result}
          region={region}
          located={located}
          onRegion={(r) => {
            setLocated(null);
            setRegion((cur) => (cur === r ? null : r));
          }}
          onLocate={(d) => {
            setRegion(null);
            setLocated((cur) => (cur === d ? null : d));
          }}
          onClear={reset}
          shareUrl={shareUrl}
          copied={copied}
          onCopy={async () => {
            try {
              await navigator.clipboard.writeText(shareUrl);
              setCopied(true);
              setTimeout(() => setCopied(false), 2000);
            } catch {
              setCopied(false);
            }
          }}
        />
      )}
    </div>
  );
}

function Result({
  result,
  region,
  located,
  onRegion,
  onLocate,
  onClear,
  shareUrl,
  copied,
  onCopy,
}: {
  result: TraceAnswer;
  region: number | null;
  located: number | null;
  onRegion: (r: number) => void;
  onLocate: (d: number) => void;
  onClear: () => void;
  shareUrl: string;
  copied: boolean;
  onCopy: () => void;
}) {
  const [dialogDoc, setDialogDoc] = useState<{ doc: TraceDocument; snippet: number } | null>(null);
  const locatedSpans = useMemo(
    () => new Set(located === null ? [] : result.documents[located].spans),
    [located, result],
  );
  const shownDocs =
    region === null ? result.documents : result.regions[region].documents.map((d) => result.documents[d]);
  const regionSpans = region === null ? null : new Set(result.regions[region].spans);

  // The response with regions as buttons; spans of a located document outlined inside them.
  const pieces: ReactNode[] = [];
  let at = 0;
  const text = result.response;
  for (const r of result.regions) {
    if (r.start > at) pieces.push(<span key={`t${at}`}>{text.slice(at, r.start)}</span>);
    const inner: ReactNode[] = [];
    const marks = result.spans
      .filter((s) => s.region === r.id && locatedSpans.has(s.id))
      .map((s) => [s.start, s.end] as const)
      .sort((a, b) => a[0] - b[0]);
    let p = r.start;
    for (const [s, e] of marks) {
      const from = Math.max(s, p);
      if (from > p) inner.push(text.slice(p, from));
      if (e > from)
        inner.push(
          <span
            key={`m${from}`}
            data-located=""
            className="rounded-sm outline outline-2 outline-sky-700 dark:outline-sky-300"
          >
            {text.slice(from, e)}
          </span>,
        );
      p = Math.max(p, e);
    }
    if (p < r.end) inner.push(text.slice(p, r.end));
    const nDocs = r.documents.length;
    pieces.push(
      <button
        key={`r${r.id}`}
        type="button"
        data-keep-selection=""
        data-level={r.level}
        aria-pressed={region === r.id}
        aria-label={`Span: ${text.slice(r.start, r.end)} (${r.level} relevance, ${nDocs} document${nDocs === 1 ? "" : "s"})`}
        onClick={() => onRegion(r.id)}
        className={`trace-span cursor-pointer rounded-sm px-0 text-left ${SHADE[r.level]} ${region === r.id ? "ring-2 ring-sky-700 dark:ring-sky-300" : ""} ${region !== null && region !== r.id ? "opacity-50" : ""}`}
      >
        {inner}
      </button>,
    );
    at = r.end;
  }
  if (at < text.length) pieces.push(<span key={`t${at}`}>{text.slice(at)}</span>);

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <section aria-labelledby="trace-result-h" className="card space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="trace-result-h" className="text-lg font-semibold">
            Response
          </h2>
          <button type="button" className="btn-secondary" onClick={onClear}>
            Clear selection
          </button>
        </div>
        <p className="muted text-sm" aria-live="polite">
          {result.spans.length === 0
            ? "No span of this response (of at least the minimum length) occurs verbatim in the chosen corpus domains."
            : `${result.spans.length} span${result.spans.length === 1 ? "" : "s"} highlighted in ${result.regions.length} region${result.regions.length === 1 ? "" : "s"}, ${result.documents.length} document${result.documents.length === 1 ? "" : "s"}. ${(100 * result.coverage.all).toFixed(0)}% of the characters are inside verbatim matches. Traced in ${Math.round(result.timings.total)} ms.`}
        </p>
        <ul className="flex flex-wrap gap-4 text-xs" aria-label="Legend">
          {LEVELS.map((l) => (
            <li key={l.level} className="flex items-center gap-1">
              <span aria-hidden="true" className={`inline-block h-3 w-6 rounded-sm ${SHADE[l.level]}`} />
              {l.label}: {l.range}
            </li>
          ))}
          <li className="flex items-center gap-1">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-6 rounded-sm outline outline-2 outline-sky-700"
            />
            spans of the located document
          </li>
        </ul>
        <div
          className="whitespace-pre-wrap break-words rounded-md border border-slate-200 p-3 leading-7 dark:border-slate-800"
          data-testid="trace-response"
        >
          {pieces}
        </div>
        <div className="space-y-1 text-sm" data-keep-selection="">
          <label htmlFor="trace-share" className="font-medium">
            Share link
          </label>
          <div className="flex gap-2">
            <input
              id="trace-share"
              className="input"
              readOnly
              value={shareUrl}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" className="btn-secondary" onClick={onCopy}>
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
          <a href={result.url} className="underline underline-offset-2">
            Permanent link to this trace
          </a>
        </div>
      </section>

      <section aria-labelledby="trace-docs-h" className="card space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="trace-docs-h" className="text-lg font-semibold">
            Documents
          </h2>
          {region !== null && (
            <p className="text-sm" role="status">
              Showing {shownDocs.length} of {result.documents.length} for the selected span.{" "}
              <button type="button" className="underline underline-offset-2" onClick={onClear}>
                Show all
              </button>
            </p>
          )}
        </div>
        {result.documents.length === 0 && <p className="muted text-sm">No documents.</p>}
        {LEVELS.map(({ level, label }) => {
          const docs = shownDocs.filter((d) => d.level === level);
          if (docs.length === 0) return null;
          return (
            <section key={level} aria-labelledby={`docs-${level}`} className="space-y-3">
              <h3 id={`docs-${level}`} className="text-sm font-semibold uppercase tracking-wide">
                {label} relevance ({docs.length})
              </h3>
              <ul className="space-y-3">
                {docs.map((d) => (
                  <DocCard
                    key={d.id}
                    doc={d}
                    spanFilter={regionSpans}
                    located={located === d.id}
                    onLocate={() => onLocate(d.id)}
                    onView={(snippet) => setDialogDoc({ doc: d, snippet })}
                  />
                ))}
              </ul>
            </section>
          );
        })}
      </section>
      {dialogDoc && (
        <DocDialog doc={dialogDoc.doc} snippet={dialogDoc.snippet} onClose={() => setDialogDoc(null)} />
      )}
    </div>
  );
}

function DocCard({
  doc,
  spanFilter,
  located,
  onLocate,
  onView,
}: {
  doc: TraceDocument;
  spanFilter: Set<number> | null;
  located: boolean;
  onLocate: () => void;
  onView: (snippet: number) => void;
}) {
  const snippets = doc.snippets
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => !spanFilter || spanFilter.has(s.span))
    .slice(0, 3);
  const title = doc.title ?? doc.docId;
  return (
    <li
      className={`rounded-md border p-3 text-sm ${located ? "border-sky-700 dark:border-sky-300" : "border-slate-200 dark:border-slate-800"}`}
      data-keep-selection=""
      aria-label={`Document: ${title}`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-medium">{title}</p>
        <span className="muted text-xs">relevance {(100 * doc.relevance).toFixed(0)}%</span>
      </div>
      <dl className="muted mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs">
        <div className="flex gap-1">
          <dt>Domain:</dt>
          <dd>{doc.domain}</dd>
        </div>
        {doc.source && (
          <div className="flex gap-1">
            <dt>Source:</dt>
            <dd>
              {doc.url ? (
                <a className="underline" href={doc.url} rel="noreferrer noopener" target="_blank">
                  {doc.source}
                </a>
              ) : (
                doc.source
              )}
            </dd>
          </div>
        )}
        <div className="flex gap-1">
          <dt>Licence:</dt>
          <dd>{doc.license ?? "unknown"}</dd>
        </div>
      </dl>
      {snippets.map(({ s, i }) => (
        <blockquote
          key={i}
          className="mt-2 whitespace-pre-wrap break-words border-l-2 border-slate-300 pl-2 font-mono text-xs dark:border-slate-700"
        >
          {s.moreBefore ? "… " : ""}
          <Marked text={s.text} start={s.matchStart} end={s.matchEnd} />
          {s.moreAfter ? " …" : ""}
        </blockquote>
      ))}
      {doc.snippets.length > snippets.length && !spanFilter && (
        <p className="muted mt-1 text-xs">and {doc.snippets.length - snippets.length} more matches</p>
      )}
      <div className="mt-2 flex gap-2">
        <button type="button" className="btn-secondary" aria-pressed={located} onClick={onLocate}>
          {located ? "Stop locating" : "Locate"}
        </button>
        <button type="button" className="btn-secondary" onClick={() => onView(snippets[0]?.i ?? 0)}>
          View document
        </button>
      </div>
    </li>
  );
}

function DocDialog({ doc, snippet, onClose }: { doc: TraceDocument; snippet: number; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [ctx, setCtx] = useState<DocumentContext | null>(null);
  const [error, setError] = useState<string | null>(null);
  const s = doc.snippets[snippet];

  useEffect(() => {
    ref.current?.showModal();
    let live = true;
    postJson<DocumentContext>("/api/v1/trace/context", {
      shard: doc.shard,
      position: s.position,
      length: s.length,
    })
      .then((c) => live && setCtx(c))
      .catch((e) => live && setError((e as Error).message));
    return () => {
      live = false;
    };
  }, [doc, s]);

  const title = doc.title ?? doc.docId;
  return (
    <dialog
      ref={ref}
      aria-labelledby="trace-dialog-h"
      onClose={onClose}
      className="m-auto max-h-[85vh] w-[min(56rem,95vw)] overflow-auto rounded-lg border border-slate-300 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-start justify-between gap-4">
        <div>
          <h2 id="trace-dialog-h" className="text-lg font-semibold">
            {title}
          </h2>
          <p className="muted text-xs">
            {doc.domain} · {doc.source ?? "unknown source"} · licence {doc.license ?? "unknown"} · {doc.docId}
          </p>
        </div>
        <button type="button" className="btn-secondary" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      <div className="mt-4 whitespace-pre-wrap break-words font-mono text-sm" aria-live="polite">
        {error ? (
          <p role="alert" className="field-error">
            {error}
          </p>
        ) : ctx ? (
          <>
            {ctx.moreBefore ? "… " : ""}
            <Marked text={ctx.text} start={ctx.matchStart} end={ctx.matchEnd} />
            {ctx.moreAfter ? " …" : ""}
          </>
        ) : (
          <p className="muted">Loading the document…</p>
        )}
      </div>
    </dialog>
  );
}
