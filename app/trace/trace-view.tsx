"use client";

import { useState } from "react";
import type { TraceRules } from "@/lib/trace/form-rules";
import type { TraceAnswer } from "@/lib/trace/stored-traces";
import { CoverageSummary } from "./coverage-summary";
import { DocumentsPanel } from "./documents-panel";
import { HighlightedText } from "./highlighted-text";
import { ShareLink } from "./share-link";
import { TraceForm } from "./trace-form";
import { useTraceSelection } from "./use-trace-selection";

/**
 * The trace page: the form, then the highlighted text beside its documents, and the share link. `domains`
 * null means the index is unavailable (the page says why): a stored trace is shown without the form, which
 * could not trace anything.
 */
export function TraceView({
  domains,
  rules,
  initial,
}: {
  domains: string[] | null;
  rules: TraceRules;
  initial: TraceAnswer | null;
}) {
  const [result, setResult] = useState<TraceAnswer | null>(initial);
  const selection = useTraceSelection();
  return (
    <div className="space-y-6">
      {domains && (
        <TraceForm
          domains={domains}
          rules={rules}
          initial={initial}
          onResult={(answer) => {
            setResult(answer);
            selection.reset();
            window.history.replaceState(null, "", answer.url);
          }}
        />
      )}
      {result && (
        <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <section aria-labelledby="trace-result-h" className="card min-w-0 space-y-4">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h2 id="trace-result-h" className="text-lg font-semibold">
                Response
              </h2>
              <button type="button" className="btn-secondary" onClick={selection.reset}>
                Clear selection
              </button>
            </div>
            <CoverageSummary result={result} levels={rules.levels} />
            <HighlightedText
              text={result.response}
              result={result}
              region={selection.region}
              located={selection.located}
              onRegion={selection.toggleRegion}
            />
            <ShareLink url={result.url} />
          </section>
          <DocumentsPanel
            result={result}
            selection={selection}
            levels={rules.levels}
            headingId="trace-docs-h"
          />
        </div>
      )}
    </div>
  );
}
