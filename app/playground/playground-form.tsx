"use client";

import { type FormEvent, useId, useMemo, useState } from "react";
import { defaultSettings, playgroundRequest } from "@/lib/models/playground-request";
import { expertColor } from "../components/expert-colors";
import { TraceButton } from "../trace/trace-link";
import { ExpertLegend } from "./expert-legend";
import { ExpertToggles } from "./expert-toggles";
import { RoutedOutput } from "./routed-output";
import { SamplingFields } from "./sampling-fields";
import { useGeneration } from "./use-generation";

export interface PlaygroundExpert {
  id: string;
  domain: string;
  description: string;
  documents: number;
  alwaysOn: boolean;
}

/**
 * The playground: prompt, expert toggles and sampling settings in, a streamed generation out. Each
 * part is its own component (expert-toggles, sampling-fields, routed-output, expert-legend); the
 * stream is use-generation; the request body is lib/models/playground-request.
 */
export function PlaygroundForm({
  experts,
  defaultTopK,
  contextBytes,
}: {
  experts: PlaygroundExpert[];
  defaultTopK: number;
  contextBytes: number;
}) {
  const ids = useId();
  const [prompt, setPrompt] = useState("");
  const [enabled, setEnabled] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(experts.map((e) => [e.id, true])),
  );
  const [settings, setSettings] = useState(() => defaultSettings(defaultTopK));
  const generation = useGeneration();
  const { pieces, status, running } = generation;

  const index = useMemo(() => new Map(experts.map((e, i) => [e.id, i])), [experts]);
  const colorOf = (id: string | undefined, alpha = 1) =>
    id === undefined ? "transparent" : expertColor(index.get(id) ?? 0, alpha);
  const domainOf = (id: string) => experts.find((e) => e.id === id)?.domain ?? id;
  const enabledExperts = experts.filter((e) => e.alwaysOn || enabled[e.id]);
  const output = pieces.map((p) => p.text).join("");
  const promptBytes = new TextEncoder().encode(prompt).length;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!running) void generation.start(playgroundRequest(prompt, experts, enabled, settings));
  }

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <form onSubmit={submit} className="space-y-4 lg:col-start-1" aria-label="Generate">
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
          <button type="button" className="btn-secondary" disabled={!running} onClick={generation.stop}>
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

        <RoutedOutput
          idPrefix={ids}
          prompt={prompt}
          pieces={pieces}
          status={status}
          colorOf={colorOf}
          domainOf={domainOf}
        />
      </form>

      <aside className="space-y-4 lg:col-start-2 lg:row-start-1" aria-label="Experts and sampling">
        <ExpertToggles
          idPrefix={ids}
          experts={experts}
          enabled={enabled}
          onChange={(id, on) => setEnabled((prev) => ({ ...prev, [id]: on }))}
          disabled={running}
        />
        <SamplingFields idPrefix={ids} value={settings} onChange={setSettings} maxTopK={experts.length} />
        <ExpertLegend idPrefix={ids} experts={experts} pieces={pieces} />
      </aside>
    </div>
  );
}
