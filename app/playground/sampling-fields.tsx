"use client";

import type { SamplingSettings } from "@/lib/models/playground-request";

/** Top-k, temperature, top-p, length, seed and stop strings. */
export function SamplingFields({
  idPrefix,
  value,
  onChange,
  maxTopK,
}: {
  idPrefix: string;
  value: SamplingSettings;
  onChange: (next: SamplingSettings) => void;
  maxTopK: number;
}) {
  const set = (key: keyof SamplingSettings) => (v: string) => onChange({ ...value, [key]: v });
  return (
    <fieldset className="card grid grid-cols-2 gap-3">
      <legend className="px-1 text-base font-semibold">Sampling</legend>
      <NumberField
        id={`${idPrefix}-topk`}
        label="Top-k experts"
        value={value.topK}
        onChange={set("topK")}
        min={1}
        max={maxTopK}
        step={1}
      />
      <NumberField
        id={`${idPrefix}-temp`}
        label="Temperature"
        value={value.temperature}
        onChange={set("temperature")}
        min={0}
        max={2}
        step={0.05}
      />
      <NumberField
        id={`${idPrefix}-topp`}
        label="Top-p"
        value={value.topP}
        onChange={set("topP")}
        min={0.01}
        max={1}
        step={0.01}
      />
      <NumberField
        id={`${idPrefix}-max`}
        label="Max tokens"
        value={value.maxTokens}
        onChange={set("maxTokens")}
        min={1}
        max={4096}
        step={1}
      />
      <NumberField
        id={`${idPrefix}-seed`}
        label="Seed"
        value={value.seed}
        onChange={set("seed")}
        min={0}
        max={4294967295}
        step={1}
      />
      <div className="col-span-2">
        <label htmlFor={`${idPrefix}-stop`} className="mb-1 block text-sm font-medium">
          Stop strings
        </label>
        <textarea
          id={`${idPrefix}-stop`}
          className="input min-h-16 font-mono"
          value={value.stop}
          onChange={(e) => set("stop")(e.target.value)}
          aria-describedby={`${idPrefix}-stop-hint`}
        />
        <p id={`${idPrefix}-stop-hint`} className="muted mt-1 text-xs">
          One per line; type \n for a newline.
        </p>
      </div>
    </fieldset>
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
