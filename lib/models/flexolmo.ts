import "server-only";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  type ExpertManifest,
  type FlexOlmo,
  FlexOlmoError,
  type GenerateOptions,
  loadFlexOlmo,
} from "@/engine/moe";
import { env } from "../env";
import type { ComponentStatus } from "../health-types";
import { HttpError } from "../http-error";
import { processSingleton, singletonKey } from "../process-singleton";
import { listConfigurations, type ModelConfiguration } from "./configurations";
import type { GenerationEvent } from "./generation-events";
import { ReloadingModel } from "./reloading-model";
import { meanRouting, PieceAssembler } from "./routing";

export type { GenerationEvent };

/**
 * The process-wide FlexOlmo-mini model (MODEL_DIR, default models/flexolmo-mini): loaded once, its
 * onnxruntime sessions shared by every request (the engine interleaves concurrent generations token
 * by token), and reloaded when the folder's manifest changes (an expert installed or removed; see
 * reloading-model.ts), so no restart is needed. A missing or corrupted file is a 503 naming the
 * file; a failed load is retried on the next call.
 */
const MODEL = singletonKey<ReloadingModel<FlexOlmo>>("flexolmo-model");

export function modelService(): Promise<FlexOlmo> {
  const model = processSingleton(
    MODEL,
    () =>
      new ReloadingModel((dir) =>
        loadFlexOlmo(dir).catch((e) => {
          throw toHttpError(e);
        }),
      ),
  );
  return model.get(env().modelDir);
}

/**
 * Whether `e` is the engine's FlexOlmoError. Checked by name and code, not `instanceof`: the model is
 * loaded once per process but Next.js bundles each route (and instrumentation) with its own copy of the
 * engine's modules, so an error thrown by the shared model is an instance of another bundle's class.
 */
export function isFlexOlmoError(e: unknown): e is FlexOlmoError {
  return (
    e instanceof FlexOlmoError ||
    (e instanceof Error && e.name === "FlexOlmoError" && typeof (e as { code?: unknown }).code === "string")
  );
}

/** Engine errors as HTTP errors; `details.code` is the OpenAI-style error code. */
export function toHttpError(e: unknown): unknown {
  if (!isFlexOlmoError(e)) return e;
  switch (e.code) {
    case "PROMPT_TOO_LONG":
      return new HttpError(400, `The prompt is too long: ${e.message}.`, {
        code: "context_length_exceeded",
        param: "messages",
        ...e.details,
      });
    case "UNKNOWN_EXPERT":
      return new HttpError(400, e.message, { code: "unknown_expert", param: "experts", ...e.details });
    case "INVALID_ARGUMENT":
      return new HttpError(400, e.message, { code: "invalid_value" });
    case "MODEL_FILE_MISSING":
    case "MODEL_FILE_CORRUPTED":
      return new HttpError(503, `The FlexOlmo model is unavailable. ${e.message}`, {
        code: e.code === "MODEL_FILE_MISSING" ? "model_file_missing" : "model_file_corrupted",
        ...e.details,
      });
  }
}

/** `/api/health`'s model part: absent (no manifest), error (load failed, naming the file) or ok. */
export async function modelHealth(): Promise<ComponentStatus> {
  const dir = env().modelDir;
  if (!existsSync(path.join(dir, "manifest.json"))) return { status: "absent", path: dir };
  try {
    const model = await modelService();
    return {
      status: "ok",
      path: dir,
      name: model.manifest.name,
      experts: model.experts.map((e) => e.id),
      context: model.config.context,
      defaultTopK: model.defaultTopK,
    };
  } catch (e) {
    return { status: "error", path: dir, detail: (e as Error).message };
  }
}

/** Named expert configurations of the loaded model (the API's model names, the arena's contenders). */
export async function modelConfigurations(): Promise<ModelConfiguration[]> {
  return listConfigurations((await modelService()).experts);
}

/** An expert as the experts page and API show it: its manifest entry, file facts and whether it is always on. */
export type ExpertRecord = ExpertManifest & { alwaysOn: boolean; sha256: string; bytes: number };

/** The registry of experts from the manifest, public first. */
export function expertRegistry(model: FlexOlmo): ExpertRecord[] {
  return model.manifest.experts.map((e, i) => ({
    ...e,
    alwaysOn: i === 0,
    sha256: model.manifest.files[e.file]?.sha256 ?? "",
    bytes: model.manifest.files[e.file]?.bytes ?? 0,
  }));
}

/**
 * Starts a generation and validates it before returning (a bad prompt, expert or setting throws an
 * HttpError here, so callers can still answer with a 4xx instead of a broken stream). The events
 * are pieces of visible text with their routing, then one "done".
 */
export async function startGeneration(opts: GenerateOptions): Promise<AsyncGenerator<GenerationEvent>> {
  const model = await modelService();
  const it = model.generate(opts);
  let first: IteratorResult<unknown>;
  try {
    first = await it.next();
  } catch (e) {
    throw toHttpError(e);
  }
  async function* events(): AsyncGenerator<GenerationEvent> {
    const assembler = new PieceAssembler();
    let r = first;
    try {
      while (!r.done) {
        const chunk = r.value as Parameters<PieceAssembler["push"]>[0] & { finishReason?: string };
        const piece = assembler.push(chunk);
        if (piece) yield { type: "piece", ...piece };
        if (chunk.finishReason) {
          yield {
            type: "done",
            finishReason: chunk.finishReason as "stop" | "length" | "context" | "abort",
            tokens: assembler.all.length,
            routing: meanRouting(assembler.all),
          };
          return;
        }
        r = await it.next();
      }
    } finally {
      // The consumer stopped early (client gone): end the engine's generator too.
      await it.return(undefined as never);
    }
  }
  return events();
}
