"use client";

import { type KeyboardEvent, type MouseEvent, useState } from "react";
import type { GenerationStatus, Piece } from "./use-generation";

const FINISH: Record<string, string> = {
  stop: "reached a stop string",
  length: "reached the token limit",
  context: "reached the end of the context window",
  abort: "stopped",
};

function visible(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * The generated text, each token tinted by the expert that weighed most; hovering a token (or the
 * arrow keys once the output has focus) shows its routing weights.
 */
export function RoutedOutput({
  idPrefix,
  prompt,
  pieces,
  status,
  colorOf,
  domainOf,
}: {
  idPrefix: string;
  prompt: string;
  pieces: Piece[];
  status: GenerationStatus;
  colorOf: (id: string | undefined, alpha?: number) => string;
  domainOf: (id: string) => string;
}) {
  const [active, setActive] = useState<number | null>(null);
  const current = active !== null && active < pieces.length ? active : null;
  const activePiece = current === null ? undefined : pieces[current];

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    if (pieces.length === 0) return;
    const last = pieces.length - 1;
    let next: number | undefined;
    if (e.key === "ArrowRight") next = Math.min(last, (current ?? -1) + 1);
    else if (e.key === "ArrowLeft") next = Math.max(0, (current ?? pieces.length) - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = last;
    if (next !== undefined) {
      e.preventDefault();
      setActive(next);
    }
  }

  function onHover(e: MouseEvent<HTMLDivElement>) {
    const i = (e.target as HTMLElement).dataset.index;
    if (i !== undefined) setActive(Number(i));
  }

  return (
    <section aria-labelledby={`${idPrefix}-output-heading`} className="card space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${idPrefix}-output-heading`} className="text-base font-semibold">
          Output
        </h2>
        <p className="muted text-xs" role="status">
          {status.kind === "running" && `Generating… ${pieces.length} tokens`}
          {status.kind === "done" &&
            `Done: ${FINISH[status.finishReason] ?? status.finishReason}, ${status.tokens} bytes in ${(
              status.ms / 1000
            ).toFixed(1)} s (${((status.tokens * 1000) / Math.max(1, status.ms)).toFixed(0)} bytes/s)`}
          {status.kind === "stopped" && `Stopped after ${status.tokens} bytes`}
        </p>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a textarea cannot hold per-token tinted spans */}
      <div
        data-testid="generated-output"
        role="textbox"
        aria-readonly="true"
        aria-multiline="true"
        aria-label="Generated output"
        tabIndex={pieces.length > 0 ? 0 : -1}
        onKeyDown={onKey}
        onMouseOver={onHover}
        onFocus={() => setActive((a) => a ?? (pieces.length > 0 ? 0 : null))}
        aria-describedby={`${idPrefix}-output-hint`}
        className="min-h-24 whitespace-break-spaces [overflow-wrap:anywhere] rounded-md border border-slate-200 p-3 font-mono text-sm leading-6 dark:border-slate-700"
      >
        {prompt && <span className="muted">{prompt}</span>}
        {pieces.map((p, i) => (
          <span
            key={i}
            data-expert={p.routing[0]?.id}
            title={p.routing.map((w) => `${domainOf(w.id)} ${w.weight.toFixed(2)}`).join(", ")}
            data-index={i}
            style={{ backgroundColor: colorOf(p.routing[0]?.id, 0.3) }}
            className={
              current === i ? "rounded-sm outline-2 outline-sky-600 dark:outline-sky-400" : undefined
            }
          >
            {p.text}
          </span>
        ))}
      </div>
      <p id={`${idPrefix}-output-hint`} className="muted text-xs">
        Hover a token, or focus the output and use the arrow keys, to see its routing weights (mean over
        layers; weights are not renormalised, so they sum to at most 1).
      </p>
      <div aria-live="polite" className="min-h-12 text-sm">
        {activePiece ? (
          <div>
            <p>
              Token{" "}
              <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">{visible(activePiece.text)}</code>{" "}
              routed to:
            </p>
            <ul className="mt-1 space-y-1" aria-label="Routing weights">
              {activePiece.routing.map((w) => (
                <li key={w.id} className="flex items-center gap-2">
                  <span className="w-20 truncate">{domainOf(w.id)}</span>
                  <span
                    aria-hidden="true"
                    className="h-2 rounded"
                    style={{ width: `${Math.round(w.weight * 160)}px`, backgroundColor: colorOf(w.id) }}
                  />
                  <span className="tabular-nums">{w.weight.toFixed(3)}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}
