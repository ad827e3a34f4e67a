"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import type { InfiniGramDocument } from "@/lib/search/infini-gram";
import { CELL, DataRow, DataTable } from "../components/data-table";
import { Field } from "../components/field";
import { postJson } from "../components/post-json";
import type { CountAnswer, SearchDocsAnswer } from "./api";

const DOCS_PER_PAGE = 5;
const DISPLAY_BYTES = 600;
const encoder = new TextEncoder();

interface Submitted {
  query: string;
  domains: string[];
}

export function CorpusSearch({
  indexName,
  domains,
  docsByDomain,
  maxQueryBytes,
}: {
  indexName: string;
  domains: string[];
  docsByDomain: Record<string, number>;
  maxQueryBytes: number;
}) {
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<string[]>(domains);
  const [error, setError] = useState<string | undefined>();
  const [submitted, setSubmitted] = useState<Submitted | null>(null);

  // A shared link (?q=...) runs its search on arrival.
  useEffect(() => {
    const q = new URLSearchParams(window.location.search).get("q");
    if (q) {
      setQuery(q);
      setSubmitted({ query: q, domains });
    }
  }, [domains]);

  function validate(q: string, ds: string[]): string | undefined {
    if (q === "") return "Enter a string to search for.";
    const bytes = encoder.encode(q).length;
    if (bytes > maxQueryBytes) return `The query is ${bytes} bytes; the limit is ${maxQueryBytes} bytes.`;
    if (ds.length === 0) return "Choose at least one domain.";
    return undefined;
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const problem = validate(query, chosen);
    setError(problem);
    if (problem) return;
    setSubmitted({ query, domains: domains.filter((d) => chosen.includes(d)) });
    const url = new URL(window.location.href);
    url.searchParams.set("q", query);
    window.history.replaceState(null, "", url);
  }

  return (
    <section aria-labelledby="count-heading" className="space-y-6">
      <form onSubmit={onSubmit} noValidate className="card space-y-4">
        <h2 id="count-heading" className="text-lg font-semibold">
          Count a string
        </h2>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
          <div className="flex-1">
            <Field
              id="corpus-query"
              label="Search string"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                if (error) setError(undefined);
              }}
              error={error}
              hint={`Any text up to ${maxQueryBytes} bytes of UTF-8, matched exactly (including spaces and case).`}
              autoComplete="off"
              spellCheck={false}
              placeholder="Call me Ishmael"
            />
          </div>
          <button type="submit" className="btn-primary sm:mt-6">
            Count
          </button>
        </div>
        {/* Field shows the error beside the input; this announces it when it appears. */}
        <div role="alert" className="sr-only">
          {error}
        </div>
        <fieldset>
          <legend className="mb-1 text-sm font-medium">Domains</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-2">
            {domains.map((d) => (
              <label key={d} className="inline-flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-sky-700"
                  checked={chosen.includes(d)}
                  onChange={(e) =>
                    setChosen((c) => (e.target.checked ? [...c, d] : c.filter((x) => x !== d)))
                  }
                />
                {d}
                <span className="muted text-xs">({(docsByDomain[d] ?? 0).toLocaleString("en")} docs)</span>
              </label>
            ))}
          </div>
        </fieldset>
      </form>
      {submitted && <Results key={JSON.stringify(submitted)} indexName={indexName} submitted={submitted} />}
    </section>
  );
}

function Results({ indexName, submitted }: { indexName: string; submitted: Submitted }) {
  const { query, domains } = submitted;
  const count = useQuery({
    queryKey: ["infini-gram", "count", indexName, query, domains],
    queryFn: () =>
      postJson<CountAnswer>("/api/infini-gram", { index: indexName, query_type: "count", query, domains }),
  });
  const docs = useInfiniteQuery({
    queryKey: ["infini-gram", "search_docs", indexName, query, domains],
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      postJson<SearchDocsAnswer>("/api/infini-gram", {
        index: indexName,
        query_type: "search_docs",
        query,
        domains,
        maxnum: DOCS_PER_PAGE,
        max_disp_len: DISPLAY_BYTES,
        offset: pageParam,
      }),
    getNextPageParam: (last) => last.next_offset ?? undefined,
  });

  if (count.isError) {
    return (
      <p
        role="alert"
        className="card border-red-300 text-sm text-red-700 dark:border-red-800 dark:text-red-400"
      >
        {count.error.message}
      </p>
    );
  }
  if (count.isPending) {
    return (
      <p role="status" className="muted text-sm">
        Counting…
      </p>
    );
  }
  const shown = docs.data?.pages.flatMap((p) => p.documents) ?? [];
  return (
    <div className="space-y-6">
      <CountTable answer={count.data} domains={domains} query={query} />
      <section aria-labelledby="docs-heading" className="space-y-3">
        <h3 id="docs-heading" className="text-base font-semibold">
          Example documents
        </h3>
        {count.data.count === 0 ? (
          <p className="muted text-sm">No document contains this string in the chosen domains.</p>
        ) : docs.isError ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {docs.error.message}
          </p>
        ) : docs.isPending ? (
          <p role="status" className="muted text-sm">
            Loading documents…
          </p>
        ) : (
          <>
            <p className="muted text-sm">
              Showing {shown.length.toLocaleString("en")} of {count.data.count.toLocaleString("en")}{" "}
              occurrences, spread over the whole corpus.
            </p>
            <ol className="space-y-3">
              {shown.map((d) => (
                <li key={`${d.s}:${d.rank}`}>
                  <DocumentCard doc={d} />
                </li>
              ))}
            </ol>
            {docs.hasNextPage && (
              <button
                type="button"
                className="btn-secondary"
                onClick={() => docs.fetchNextPage()}
                disabled={docs.isFetchingNextPage}
              >
                {docs.isFetchingNextPage ? "Loading…" : "More documents"}
              </button>
            )}
          </>
        )}
      </section>
    </div>
  );
}

function CountTable({ answer, domains, query }: { answer: CountAnswer; domains: string[]; query: string }) {
  const max = Math.max(1, ...domains.map((d) => answer.count_by_domain[d] ?? 0));
  const captionId = useId();
  return (
    <section className="card space-y-3" aria-labelledby={captionId}>
      <p id={captionId} className="text-base">
        <span className="text-2xl font-semibold tabular-nums" data-testid="total-count">
          {answer.count.toLocaleString("en")}
        </span>{" "}
        {answer.count === 1 ? "occurrence" : "occurrences"} of{" "}
        <q className="break-all font-mono text-sm">{query}</q>
        <span className="muted ml-2 text-xs">({answer.latency.toFixed(1)} ms)</span>
      </p>
      <DataTable
        caption="Occurrences per domain"
        columns={[
          { key: "domain", label: "Domain", className: "w-28" },
          { key: "count", label: "Occurrences", className: "w-28 text-right" },
          { key: "share", label: <span className="sr-only">Share</span> },
        ]}
      >
        {domains.map((d) => {
          const n = answer.count_by_domain[d] ?? 0;
          return (
            <DataRow key={d}>
              <th scope="row" className={`font-medium ${CELL}`}>
                {d}
              </th>
              <td className={`text-right tabular-nums ${CELL}`}>{n.toLocaleString("en")}</td>
              <td className={CELL} aria-hidden="true">
                <div className="h-2.5 w-full rounded bg-slate-100 dark:bg-slate-800">
                  <div
                    className="h-2.5 rounded bg-sky-600 dark:bg-sky-500"
                    style={{ width: `${n === 0 ? 0 : Math.max(1, (100 * n) / max)}%` }}
                  />
                </div>
              </td>
            </DataRow>
          );
        })}
      </DataTable>
    </section>
  );
}

function DocumentCard({ doc }: { doc: InfiniGramDocument }) {
  const m = doc.meta;
  const title = typeof m.title === "string" && m.title ? m.title : m.id;
  const cutStart = doc.window_start > 0;
  const cutEnd = doc.window_start + doc.disp_len < doc.doc_len;
  return (
    <article className="card space-y-2 p-4" aria-label={`Document ${title}`}>
      <header className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h4 className="font-medium break-words">
          {typeof m.url === "string" && /^https?:\/\//.test(m.url) ? (
            <a
              href={m.url}
              className="underline underline-offset-2"
              rel="noreferrer noopener"
              target="_blank"
            >
              {title}
            </a>
          ) : (
            title
          )}
        </h4>
        <span className="rounded bg-sky-50 px-1.5 py-0.5 text-xs font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-200">
          {m.domain}
        </span>
      </header>
      <dl className="muted flex flex-wrap gap-x-4 gap-y-1 text-xs">
        <div className="flex gap-1">
          <dt>Source:</dt>
          <dd>{String(m.source ?? "unknown")}</dd>
        </div>
        <div className="flex gap-1">
          <dt>Licence:</dt>
          <dd>{String(m.license ?? "unknown")}</dd>
        </div>
        <div className="flex gap-1">
          <dt>Document:</dt>
          <dd className="break-all">
            {m.id} · {doc.doc_len.toLocaleString("en")} bytes
          </dd>
        </div>
      </dl>
      <p className="max-h-64 overflow-y-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-3 font-mono text-xs leading-relaxed dark:bg-slate-950">
        {cutStart && <span className="muted">… </span>}
        {doc.spans.map(([text, match], i) =>
          match === null ? (
            <span key={i}>{text}</span>
          ) : (
            <mark
              key={i}
              className="rounded bg-amber-200 px-0.5 text-slate-900 dark:bg-amber-300 dark:text-slate-950"
            >
              {text}
            </mark>
          ),
        )}
        {cutEnd && <span className="muted"> …</span>}
      </p>
    </article>
  );
}
