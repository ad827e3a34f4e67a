"use client";

import { useState } from "react";
import type { TraceDocument, TraceResult } from "@/engine/trace/trace";
import type { TraceRules } from "@/lib/trace/form-rules";
import { DocumentCard } from "./document-card";
import { DocumentDialog } from "./document-dialog";
import type { TraceSelection } from "./use-trace-selection";

/**
 * The documents of a trace, grouped by relevance level; filtered to a selected region's documents; each
 * can be located in the text or viewed at length.
 */
export function DocumentsPanel({
  result,
  selection,
  levels,
  headingId,
  title = "Documents",
}: {
  result: Pick<TraceResult, "documents" | "regions" | "spans">;
  selection: Pick<TraceSelection, "region" | "located" | "reset" | "toggleLocated">;
  levels: TraceRules["levels"];
  headingId: string;
  title?: string;
}) {
  const [dialog, setDialog] = useState<{ doc: TraceDocument; snippet: number } | null>(null);
  const { region, located } = selection;
  const shown =
    region === null ? result.documents : result.regions[region].documents.map((d) => result.documents[d]);
  const regionSpans = region === null ? null : new Set(result.regions[region].spans);
  const spanTexts = (doc: TraceDocument) => doc.spans.map((id) => result.spans[id].text);
  return (
    <section aria-labelledby={headingId} className="card min-w-0 space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={headingId} className="text-lg font-semibold">
          {title}
        </h2>
        {region !== null && (
          <p className="text-sm" role="status">
            Showing {shown.length} of {result.documents.length} for the selected span.{" "}
            <button type="button" className="underline underline-offset-2" onClick={selection.reset}>
              Show all
            </button>
          </p>
        )}
      </div>
      {result.documents.length === 0 && <p className="muted text-sm">No documents.</p>}
      {levels.map(({ level, label }) => {
        const docs = shown.filter((d) => d.level === level);
        if (docs.length === 0) return null;
        return (
          <section key={level} aria-labelledby={`${headingId}-${level}`} className="space-y-3">
            <h3 id={`${headingId}-${level}`} className="text-sm font-semibold uppercase tracking-wide">
              {label} relevance ({docs.length})
            </h3>
            <ul className="space-y-3">
              {docs.map((d) => (
                <DocumentCard
                  key={d.id}
                  doc={d}
                  spanTexts={spanTexts(d)}
                  spanFilter={regionSpans}
                  located={located === d.id}
                  onLocate={() => selection.toggleLocated(d.id)}
                  onView={(snippet) => setDialog({ doc: d, snippet })}
                />
              ))}
            </ul>
          </section>
        );
      })}
      {dialog && (
        <DocumentDialog
          doc={dialog.doc}
          snippet={dialog.snippet}
          spanTexts={spanTexts(dialog.doc)}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}
