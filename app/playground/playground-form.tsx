"use client";

import { type FormEvent, type KeyboardEvent, type MouseEvent, useId, useMemo, useRef, useState } from "react";
import type { PlaygroundEvent } from "@/lib/models/generation-events";
import type { ExpertWeight } from "@/lib/models/routing";
import { readEvents } from "@/lib/streams/read-events";
import { expertColor } from "../components/expert-colors";
import { TraceButton } from "../trace/trace-link";

interface Expert {
  id: string;
  domain: string;
  description: string;
  documents: number;
  alwaysOn: boolean;
}

interface Piece {
  text: string;
  routing: ExpertWeight[];
}

type Status =
  | { kind: "idle" }
  | { kind: "running"; started: number }
  | { kind: "done"; finishReason: string; tokens: number; ms: number }
  | { kind: "stopped"; tokens: number }
  | { kind: "error"; message: string };

const FINISH: Record<string, string> = {
  stop: "reached a stop string",
  length: "reached the token limit",
  context: "reached the end of the context window",
  abort: "stopped",
};

/** "\n" and "\t" typed as two characters become a newline and a tab. */
function unescapeStop(s: string): string {
  return s.replace(/\\([nt\\])/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));
}

function visible(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

export function PlaygroundForm({
  experts,
  defaultTopK,
  contextBytes,
}: {
  experts: Expert[];
  defaultTopK: number;
  contextBytes: number;
}) {
  const ids = useId();
  const [prompt, setPrompt] = useState("");
  const [enabled, setEnabled] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(experts.map((e) => [e.id, true])),
  );
  const [topK, setTopK] = useState(String(defaultTopK));
  const [temperature, setTemperature] = useState("0.8");
  const [topP, setTopP] = useState("0.95");
  const [maxTokens, setMaxTokens] = useState("200");
  const [seed, setSeed] = useState("1");
  const [stop, setStop] = useState("");
  const [pieces, setPieces] = useState<Piece[]>([]);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [active, setActive] = useState<number | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  const index = useMemo(() => new Map(experts.map((e, i) => [e.id, i])), [experts]);
  const colorOf = (id: string | undefined, alpha = 1) =>
    id === undefined ? "transparent" : expertColor(index.get(id) ?? 0, alpha);
  const domainOf = (id: string) => experts.find((e) => e.id === id)?.domain ?? id;
  const enabledExperts = experts.filter((e) => e.alwaysOn || enabled[e.id]);
  const onlyPublic = enabledExperts.every((e) => e.alwaysOn);
  const running = status.kind === "running";
  const output = pieces.map((p) => p.text).join("");
  const promptBytes = new TextEncoder().encode(prompt).length;

  const topCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const p of pieces) {
      const top = p.routing[0]?.id;
      if (top) counts.set(top, (counts.get(top) ?? 0) + 1);
    }
    return counts;
  }, [pieces]);

  async function generate(e: FormEvent) {
    e.preventDefault();
    if (running) return;
    const controller = new AbortController();
    abortRef.current = controller;
    setPieces([]);
    setActive(null);
    const started = performance.now();
    setStatus({ kind: "running", started });
    let tokens = 0;
    try {
      const res = await fetch("/api/playground/generate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        signal: controller.signal,
        body: JSON.stringify({
          prompt,
          experts: experts.filter((x) => !x.alwaysOn && enabled[x.id]).map((x) => x.id),
          topK: Number(topK),
          temperature: Number(temperature),
          topP: Number(topP),
          maxTokens: Number(maxTokens),
          seed: Number(seed),
          stop: stop
            .split("\n")
            .filter((s) => s.length > 0)
            .map(unescapeStop),
        }),
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as {
          error?: string;
          details?: { path: string; message: string }[];
        };
        const detail = Array.isArray(body.details)
          ? body.details.map((d) => `${d.path}: ${d.message}`).join("; ")
          : "";
        setStatus({
          kind: "error",
          message: `${body.error ?? `Generation failed (HTTP ${res.status}).`}${detail ? ` ${detail}` : ""}`,
        });
        return;
      }
      // Pieces that arrive together (one network chunk) are added to the output in one update.
      let fresh: Piece[] = [];
      const flush = () => {
        const add = fresh;
        fresh = [];
        setPieces((prev) => [...prev, ...add]);
      };
      await readEvents<PlaygroundEvent>(res.body, (ev) => {
        if (ev.type === "piece") {
          tokens += 1;
          fresh.push({ text: ev.text, routing: ev.routing });
          if (fresh.length === 1) queueMicrotask(flush);
        } else if (ev.type === "done") {
          tokens = ev.tokens;
          setStatus({
            kind: "done",
            finishReason: ev.finishReason,
            tokens: ev.tokens,
            ms: performance.now() - started,
          });
        } else setStatus({ kind: "error", message: ev.message });
      });
    } catch (err) {
      if ((err as Error).name === "AbortError") setStatus({ kind: "stopped", tokens });
      else setStatus({ kind: "error", message: `Generation failed: ${(err as Error).message}` });
    } finally {
      abortRef.current = null;
    }
  }

  function onOutputKey(e: KeyboardEvent<HTMLDivElement>) {
    if (pieces.length === 0) return;
    const last = pieces.length - 1;
    let next: number | undefined;
    if (e.key === "ArrowRight") next = Math.min(last, (active ?? -1) + 1);
    else if (e.key === "ArrowLeft") next = Math.max(0, (active ?? pieces.length) - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = last;
    if (next !== undefined) {
      e.preventDefault();
      setActive(next);
    }
  }

  function onOutputHover(e: MouseEvent<HTMLDivElement>) {
    const i = (e.target as HTMLElement).dataset.index;
    if (i !== undefined) setActive(Number(i));
  }

  const activePiece = active === null ? undefined : pieces[active];

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <form onSubmit={generate} className="space-y-4 lg:col-start-1" aria-label="Generate">
        <div>
          <label htmlFor={`${ids}-prompt`} className="mb-1 block text-sm font-medium">
            Prompt
          </label>
          <textarea
            id={`${ids}-prompt`}
            className="input min-h-32 font-mono"
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            aria-describedby={`${ids}-prompt-hint`}
            placeholder="Dear team,"
          />
          <p id={`${ids}-prompt-hint`} className="muted mt-1 text-xs">
            {promptBytes} of {contextBytes} bytes of context; the model reads and writes raw UTF-8 bytes. An
            empty prompt starts a fresh document.
          </p>
        </div>

        <div className="flex flex-wrap gap-2">
          <button type="submit" className="btn-primary" disabled={running}>
            {running ? "Generating…" : "Generate"}
          </button>
          <button
            type="button"
            className="btn-secondary"
            disabled={!running}
            onClick={() => abortRef.current?.abort()}
          >
            Stop
          </button>
          <TraceButton
            label="Trace this output"
            text={running ? "" : output}
            prompt={prompt}
            domains={enabledExperts.map((x) => x.domain)}
          />
        </div>

        {status.kind === "error" && (
          <p role="alert" className="field-error">
            {status.message}
          </p>
        )}

        <section aria-labelledby={`${ids}-output-heading`} className="card space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id={`${ids}-output-heading`} className="text-base font-semibold">
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
            onKeyDown={onOutputKey}
            onMouseOver={onOutputHover}
            onFocus={() => setActive((a) => a ?? (pieces.length > 0 ? 0 : null))}
            aria-describedby={`${ids}-output-hint`}
            className="min-h-24 whitespace-pre-wrap break-words rounded-md border border-slate-200 p-3 font-mono text-sm leading-6 dark:border-slate-700"
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
                  active === i ? "rounded-sm outline-2 outline-sky-600 dark:outline-sky-400" : undefined
                }
              >
                {p.text}
              </span>
            ))}
          </div>
          <p id={`${ids}-output-hint`} className="muted text-xs">
            Hover a token, or focus the output and use the arrow keys, to see its routing weights (mean over
            layers; weights are not renormalised, so they sum to at most 1).
          </p>
          <div aria-live="polite" className="min-h-12 text-sm">
            {activePiece ? (
              <div>
                <p>
                  Token{" "}
                  <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">
                    {visible(activePiece.text)}
                  </code>{" "}
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
      </form>

      <aside className="space-y-4 lg:col-start-2 lg:row-start-1" aria-label="Experts and sampling">
        <fieldset className="card space-y-3">
          <legend className="px-1 text-base font-semibold">Experts</legend>
          <ul className="space-y-3">
            {experts.map((x, i) => (
              <li key={x.id} className="flex gap-3">
                <input
                  id={`${ids}-expert-${x.id}`}
                  type="checkbox"
                  className="mt-1 size-4 accent-sky-700"
                  checked={x.alwaysOn || Boolean(enabled[x.id])}
                  disabled={x.alwaysOn || running}
                  onChange={(e) => setEnabled((prev) => ({ ...prev, [x.id]: e.target.checked }))}
                  aria-describedby={`${ids}-expert-${x.id}-desc`}
                />
                <div className="min-w-0">
                  <label
                    htmlFor={`${ids}-expert-${x.id}`}
                    className="flex items-center gap-2 text-sm font-medium"
                  >
                    <span
                      aria-hidden="true"
                      className="inline-block size-3 rounded-sm"
                      style={{ backgroundColor: expertColor(i) }}
                    />
                    {x.domain}
                    {x.alwaysOn && <span className="muted text-xs font-normal">(always on)</span>}
                  </label>
                  <p id={`${ids}-expert-${x.id}-desc`} className="muted text-xs">
                    {x.documents.toLocaleString("en")} documents. {x.description}
                  </p>
                </div>
              </li>
            ))}
          </ul>
          {onlyPublic && (
            <p className="rounded-md bg-slate-100 p-2 text-xs dark:bg-slate-800" role="note">
              Every closed expert is off: the public expert is always on, so the model still generates with
              public data only.
            </p>
          )}
        </fieldset>

        <fieldset className="card grid grid-cols-2 gap-3">
          <legend className="px-1 text-base font-semibold">Sampling</legend>
          <NumberField
            id={`${ids}-topk`}
            label="Top-k experts"
            value={topK}
            onChange={setTopK}
            min={1}
            max={experts.length}
            step={1}
          />
          <NumberField
            id={`${ids}-temp`}
            label="Temperature"
            value={temperature}
            onChange={setTemperature}
            min={0}
            max={2}
            step={0.05}
          />
          <NumberField
            id={`${ids}-topp`}
            label="Top-p"
            value={topP}
            onChange={setTopP}
            min={0.01}
            max={1}
            step={0.01}
          />
          <NumberField
            id={`${ids}-max`}
            label="Max tokens"
            value={maxTokens}
            onChange={setMaxTokens}
            min={1}
            max={4096}
            step={1}
          />
          <NumberField
            id={`${ids}-seed`}
            label="Seed"
            value={seed}
            onChange={setSeed}
            min={0}
            max={4294967295}
            step={1}
          />
          <div className="col-span-2">
            <label htmlFor={`${ids}-stop`} className="mb-1 block text-sm font-medium">
              Stop strings
            </label>
            <textarea
              id={`${ids}-stop`}
              className="input min-h-16 font-mono"
              value={stop}
              onChange={(e) => setStop(e.target.value)}
              aria-describedby={`${ids}-stop-hint`}
            />
            <p id={`${ids}-stop-hint`} className="muted mt-1 text-xs">
              One per line; type \n for a newline.
            </p>
          </div>
        </fieldset>

        <section className="card" aria-labelledby={`${ids}-legend`}>
          <h2 id={`${ids}-legend`} className="mb-2 text-base font-semibold">
            Expert colours
          </h2>
          <ul aria-label="Expert colours" className="space-y-1 text-sm">
            {experts.map((x, i) => (
              <li key={x.id} className="flex items-center gap-2">
                <span
                  aria-hidden="true"
                  className="inline-block size-3 rounded-sm"
                  style={{ backgroundColor: expertColor(i) }}
                />
                <span className="flex-1">{x.domain}</span>
                <span className="muted tabular-nums" data-testid={`top-count-${x.id}`}>
                  {topCounts.get(x.id) ?? 0} tokens
                </span>
              </li>
            ))}
          </ul>
          <p className="muted mt-2 text-xs">Tokens on which each expert weighed most.</p>
        </section>
      </aside>
    </div>
  );
}

function NumberField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  min: number;
  max: number;
  step: number;
}) {
  return (
    <div>
      <label htmlFor={props.id} className="mb-1 block text-sm font-medium">
        {props.label}
      </label>
      <input
        id={props.id}
        type="number"
        inputMode="decimal"
        required
        className="input"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
