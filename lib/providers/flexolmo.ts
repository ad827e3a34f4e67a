/**
 * The local FlexOlmo-mini model as arena contenders: one provider per named expert configuration
 * (flexolmo-all, flexolmo-public, flexolmo-<domain>, flexolmo-no-<domain>; see lib/models/configurations).
 * The model is loaded once per process by lib/models (`modelService`) and shared with the playground and the
 * OpenAI-compatible API; the caller passes the loader in.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FlexOlmo } from "../../engine/moe";
import { listConfigurations, type ModelConfiguration } from "../models/configurations";
import { compactPrompt, truncateUtf8 } from "./prompt";
import { stopAfterMinimum } from "./stop";
import { type AnswerProvider, type CompletionRequest, ProviderError } from "./types";

interface ManifestSummary {
  experts: { id: string; alwaysOn: boolean }[];
  /** Experts installed from a data owner's package: the arena offers them only when an admin does. */
  contributed: string[];
  context: number;
}

/** Reads only the model's manifest (cheap): its experts and context size; null when no model is installed. */
export function readModelSummary(dir: string): ManifestSummary | null {
  const file = path.join(dir, "manifest.json");
  if (!existsSync(file)) return null;
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as {
      experts: { id: string; contribution?: unknown }[];
      config: { context: number };
    };
    // The manifest's first expert is the public one, which is always on.
    return {
      experts: m.experts.map((e, i) => ({ id: e.id, alwaysOn: i === 0 })),
      contributed: m.experts.filter((e) => e.contribution !== undefined).map((e) => e.id),
      context: m.config.context,
    };
  } catch {
    return null;
  }
}

/**
 * The configurations seeded as arena contenders (every expert, public only, each opt-out), except the
 * opt-outs of contributed experts: those enter the arena when an admin offers them (/admin/experts).
 */
export function seededConfigurations(dir: string, kinds: Set<string>): ModelConfiguration[] {
  const summary = readModelSummary(dir);
  if (!summary) return [];
  const contributed = new Set(summary.contributed.map((id) => `flexolmo-no-${id}`));
  return listConfigurations(summary.experts).filter((c) => kinds.has(c.kind) && !contributed.has(c.id));
}

/** Bytes of the model's context given to the prompt; the rest is left for the answer. */
const PROMPT_SHARE = 0.45;

/**
 * A raw prompt cut to `maxBytes` UTF-8 bytes by dropping its middle (marked "…"): a judge prompt keeps its
 * opening (the question) and its closing instruction ("Reply with A or B") when the model's context is small.
 */
export function fitPrompt(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const mark = "\n…\n";
  const half = Math.max(0, Math.floor((maxBytes - Buffer.byteLength(mark)) / 2));
  const head = truncateUtf8(text, half);
  const tailBytes = Buffer.from(text, "utf8");
  let start = tailBytes.length - half;
  while (start < tailBytes.length && (tailBytes[start] & 0xc0) === 0x80) start++;
  return `${head}${mark}${tailBytes.subarray(start).toString("utf8")}`;
}

export function flexOlmoProvider(opts: {
  loadModel: () => Promise<FlexOlmo>;
  experts: string[];
  timeoutMs: number;
  label: string;
}): AnswerProvider {
  async function* run(
    build: (promptBytes: number) => string,
    signal: AbortSignal,
    sampling: { temperature: number; maxTokens?: number; stop: string[]; seed?: number },
  ): AsyncGenerator<string> {
    let model: FlexOlmo;
    try {
      model = await opts.loadModel();
    } catch (e) {
      throw new ProviderError(`${opts.label} is not available: ${(e as Error).message}`, "unavailable");
    }
    const context = model.manifest.config.context;
    const promptBytes = Math.floor(context * PROMPT_SHARE);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    const room = context - promptBytes - 1;
    const stream = model.generate({
      prompt: build(promptBytes),
      experts: opts.experts,
      temperature: sampling.temperature,
      topP: 0.95,
      maxTokens: Math.min(room, sampling.maxTokens ?? room),
      stop: sampling.stop,
      seed: sampling.seed,
      signal: combined,
    });
    try {
      for await (const chunk of stream) {
        if (chunk.text) yield chunk.text;
        if (chunk.finishReason === "abort") break;
      }
    } catch (e) {
      throw new ProviderError(`${opts.label} failed: ${(e as Error).message}`, "unavailable");
    }
    if (timeout.aborted)
      throw new ProviderError(`${opts.label} did not finish within ${opts.timeoutMs / 1000} s.`, "timeout");
    if (signal.aborted) throw new ProviderError(`${opts.label} was stopped.`, "aborted");
  }
  return {
    // Stops apply only after the first words (see stopAfterMinimum): a tiny model's leading blank line
    // would otherwise end the answer empty and void the battle. A small model can also fall into a loop of
    // blank characters; nothing has been shown then (leading whitespace is held back), so it samples again
    // with another seed and a little more temperature, up to three times, before the battle is voided.
    answer: ({ question, passages, signal }) =>
      (async function* () {
        const seed = Math.floor(Math.random() * 2 ** 31);
        for (let attempt = 0; attempt < 3 && !signal.aborted; attempt++) {
          const sampling = { temperature: 0.7 + 0.2 * attempt, stop: [], seed: seed + attempt };
          const stream = run((bytes) => compactPrompt(question, passages, bytes), signal, sampling);
          let said = false;
          for await (const piece of stopAfterMinimum(stream, ["\n\n", "\nQuestion:"], 40)) {
            said = true;
            yield piece;
          }
          if (said) return;
        }
      })(),
    // Raw prompts (judges): the system text and prompt as given, only cut in the middle to fit the context;
    // greedy decoding up to a blank line.
    complete: ({ system, prompt, signal, maxTokens }: CompletionRequest) =>
      run((bytes) => fitPrompt(system ? `${system}\n\n${prompt}` : prompt, bytes), signal, {
        temperature: 0,
        maxTokens,
        stop: ["\n\n"],
      }),
  };
}
