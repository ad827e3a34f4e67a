"use client";

import type { Side } from "@/lib/arena/battle-events";
import { DEMO_EXPLANATION, DEMO_LABEL } from "@/lib/providers/demo-models";
import type { TraceSelection } from "../trace/use-trace-selection";
import { AnswerText } from "./answer-text";
import type { BattleTraces } from "./use-battle-traces";

/** A revealed model's name, labelled when it is the tiny demo model. */
export function ModelName({ name, demo }: { name: string; demo: boolean }) {
  return (
    <>
      <strong>{name}</strong>
      {demo && (
        <span className="muted" title={DEMO_EXPLANATION}>
          {" "}
          ({DEMO_LABEL})
        </span>
      )}
    </>
  );
}

/**
 * One side of a battle: its status, its answer as Markdown while it streams and after; after the vote the
 * model's name and "Trace", which highlights the answer's verbatim spans in its rendered text, in place.
 */
export function AnswerCard({
  side,
  text,
  status,
  placeholder,
  name,
  demo,
  reasoning,
  busy,
  passageCount,
  onCite,
  citeLabel,
  traces,
  selection,
  className,
}: {
  side: Side;
  text: string;
  status: string;
  placeholder: string;
  /** The model's name once revealed (after the vote); tracing is offered then. */
  name: string | null;
  /** The revealed model is the tiny demo model. */
  demo: boolean;
  /** What a reasoning model thought before it answered, revealed with the vote (folded). */
  reasoning: string | null;
  busy: boolean;
  passageCount: number;
  onCite: (n: number) => void;
  citeLabel: (n: number) => string;
  traces: BattleTraces;
  selection: TraceSelection;
  className: string;
}) {
  const label = side.toUpperCase();
  const trace = traces.traces[side];
  const open = traces.open === side && trace !== null;
  return (
    <article
      aria-label={`Answer ${label}`}
      className={`card flex min-w-0 flex-col gap-3 ${className}`}
      aria-busy={busy}
    >
      <header className="flex items-center justify-between gap-2">
        <h2 className="font-semibold">Model {label}</h2>
        <span className="muted text-xs" data-testid={`status-${side}`}>
          {status}
        </span>
      </header>
      {name && (
        <p className="text-sm" data-testid={`model-${side}`}>
          <span className="muted">Model {label} was </span>
          <ModelName name={name} demo={demo} />
        </p>
      )}
      {!text ? (
        <p className="muted text-sm" data-testid={`waiting-${side}`}>
          {placeholder}
        </p>
      ) : open ? (
        <div className="space-y-2" data-keep-selection="">
          <p className="muted text-xs">
            Spans of this answer found verbatim in the training corpus, highlighted in the answer as shown.{" "}
            {(100 * trace.coverage.shown).toFixed(0)}% of the characters the model wrote (its Markdown, spaces
            included) lie in a highlighted span.
          </p>
          <AnswerText
            text={trace.response}
            passageCount={passageCount}
            onCite={onCite}
            citeLabel={citeLabel}
            trace={{
              result: trace,
              region: selection.region,
              located: selection.located,
              onRegion: selection.toggleRegion,
            }}
            testId={`trace-${side}`}
          />
        </div>
      ) : (
        <AnswerText text={text} passageCount={passageCount} onCite={onCite} citeLabel={citeLabel} />
      )}
      {reasoning && (
        <details className="rounded-md border border-slate-200 p-2 text-sm dark:border-slate-700">
          <summary className="cursor-pointer font-medium">
            Reasoning before the answer ({reasoning.length.toLocaleString("en")} characters)
          </summary>
          <p className="muted mt-2 max-h-80 overflow-y-auto whitespace-pre-wrap break-words">{reasoning}</p>
        </details>
      )}
      {name && text && (
        <div className="flex flex-wrap items-center gap-2">
          {open ? (
            <button type="button" className="btn-secondary text-xs" onClick={traces.close}>
              Hide trace {label}
            </button>
          ) : (
            <button
              type="button"
              className="btn-secondary text-xs"
              disabled={traces.busy !== null}
              onClick={() => traces.trace(side, text)}
            >
              {traces.busy === side ? `Tracing ${label}…` : `Trace ${label}`}
            </button>
          )}
          {traces.errors[side] && (
            <p role="alert" className="field-error mt-0">
              {traces.errors[side]}
            </p>
          )}
        </div>
      )}
    </article>
  );
}
