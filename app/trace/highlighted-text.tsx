"use client";

import type { KeyboardEvent, ReactNode } from "react";
import type { TraceResult } from "@/engine/trace/trace";
import { SHADE } from "./levels";

/**
 * A traced text with its regions highlighted inline: each region is an inline element (not a block or
 * inline-block box), so a highlight wraps with the line and the paragraph keeps its shape. A region is a
 * button for the keyboard and screen readers (role, Enter and Space); spans of a located document are
 * outlined inside it.
 */
export function HighlightedText({
  text,
  result,
  region,
  located,
  onRegion,
  testId = "trace-response",
}: {
  text: string;
  result: Pick<TraceResult, "regions" | "spans" | "documents">;
  region: number | null;
  located: number | null;
  onRegion: (r: number) => void;
  testId?: string;
}) {
  const locatedSpans = new Set(located === null ? [] : (result.documents[located]?.spans ?? []));
  const pieces: ReactNode[] = [];
  let at = 0;
  for (const r of result.regions) {
    if (r.start > at) pieces.push(text.slice(at, r.start));
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
            className="rounded-sm outline outline-2 outline-sky-700 box-decoration-clone dark:outline-sky-300"
          >
            {text.slice(from, e)}
          </span>,
        );
      p = Math.max(p, e);
    }
    if (p < r.end) inner.push(text.slice(p, r.end));
    const nDocs = r.documents.length;
    const select = () => onRegion(r.id);
    pieces.push(
      // biome-ignore lint/a11y/useSemanticElements: a <button> is an inline-block box and would break the paragraph
      <span
        key={`r${r.id}`}
        role="button"
        tabIndex={0}
        data-keep-selection=""
        data-level={r.level}
        aria-pressed={region === r.id}
        aria-label={`Span: ${text.slice(r.start, r.end)} (${r.level} relevance, ${nDocs} document${nDocs === 1 ? "" : "s"})`}
        onClick={select}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            select();
          }
        }}
        className={`cursor-pointer rounded-sm box-decoration-clone ${SHADE[r.level]} ${region === r.id ? "ring-2 ring-sky-700 dark:ring-sky-300" : ""} ${region !== null && region !== r.id ? "opacity-50" : ""}`}
      >
        {inner}
      </span>,
    );
    at = r.end;
  }
  if (at < text.length) pieces.push(text.slice(at));
  return (
    <div
      className="whitespace-pre-wrap break-words rounded-md border border-slate-200 p-3 leading-7 dark:border-slate-800"
      data-testid={testId}
    >
      {pieces}
    </div>
  );
}
