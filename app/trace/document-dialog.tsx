"use client";

import { useEffect, useRef, useState } from "react";
import type { DocumentContext, TraceDocument } from "@/engine/trace/trace";
import { postJson } from "../components/post-json";
import { MarkedText } from "./marked-text";

/** "View document": the longer context around one match, every span of the trace marked in it. */
export function DocumentDialog({
  doc,
  snippet,
  spanTexts,
  onClose,
}: {
  doc: TraceDocument;
  snippet: number;
  spanTexts: readonly string[];
  onClose: () => void;
}) {
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
        <div className="min-w-0">
          <h2 id="trace-dialog-h" className="text-lg font-semibold break-words">
            {title}
          </h2>
          <p className="muted text-xs break-words">
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
            <MarkedText
              text={ctx.text}
              spans={spanTexts}
              fallback={{ start: ctx.matchStart, end: ctx.matchEnd }}
            />
            {ctx.moreAfter ? " …" : ""}
          </>
        ) : (
          <p className="muted">Loading the document…</p>
        )}
      </div>
    </dialog>
  );
}
