import type { TraceDocument } from "@/engine/trace/trace";
import { MarkedText } from "./marked-text";

/** One retrieved document: title, relevance, facts, up to three snippets with the spans marked, actions. */
export function DocumentCard({
  doc,
  spanTexts,
  spanFilter,
  located,
  onLocate,
  onView,
}: {
  doc: TraceDocument;
  /** Texts of the spans found in this document (marked wherever they stand as words). */
  spanTexts: readonly string[];
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
        <p className="min-w-0 font-medium break-words">{title}</p>
        <span className="muted text-xs">relevance {(100 * doc.relevance).toFixed(0)}%</span>
      </div>
      <dl className="muted mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs">
        <div className="flex gap-1">
          <dt>Domain:</dt>
          <dd>{doc.domain}</dd>
        </div>
        {doc.source && (
          <div className="flex min-w-0 gap-1">
            <dt>Source:</dt>
            <dd className="break-all">
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
          <MarkedText text={s.text} spans={spanTexts} fallback={{ start: s.matchStart, end: s.matchEnd }} />
          {s.moreAfter ? " …" : ""}
        </blockquote>
      ))}
      {doc.snippets.length > snippets.length && !spanFilter && (
        <p className="muted mt-1 text-xs">and {doc.snippets.length - snippets.length} more matches</p>
      )}
      <div className="mt-2 flex flex-wrap gap-2">
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
