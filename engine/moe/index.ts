/**
 * FlexOlmo-mini: a byte-level mixture-of-experts language model whose experts were trained
 * independently, one per data domain, and merged without joint training. Any expert (and so its
 * training data) can be switched off per request; the public expert is always on.
 *
 * ```ts
 * import { loadFlexOlmo } from "@/engine/moe";
 * const model = await loadFlexOlmo("models/flexolmo-mini"); // once per process; verifies checksums
 * model.experts; // [{ id: "public", domain, description, documents, alwaysOn: true, ... }, ...]
 * for await (const chunk of model.generate({ prompt: "def ", experts: ["code"], topK: 2,
 *   temperature: 0.8, topP: 0.95, maxTokens: 120, stop: ["\n\n"], seed: 1, signal })) {
 *   chunk.text;     // valid UTF-8 text (incomplete multi-byte characters are held back)
 *   chunk.experts;  // [{ id: "code", weight: 0.61 }, { id: "public", weight: 0.3 }]
 *   chunk.finishReason; // set on the last chunk: "stop" | "length" | "context" | "abort"
 * }
 * const { text } = await model.complete({ prompt: "Dear ", experts: ["email"] });
 * const { bitsPerByte } = await model.evaluate("some text", { experts: ["docs"] });
 * ```
 *
 * The configuration names the app offers (`flexolmo-all`, `flexolmo-public`, `flexolmo-<id>`,
 * `flexolmo-no-<id>`) are derived from `model.experts` in lib/models/configurations.ts.
 * Health checks: `verifyModelFiles(dir)` hashes the files against the manifest without loading sessions.
 *
 * Data owners' experts (package.ts, contribute.ts, `npm run -s moe`): `readPackage(path)` verifies a
 * package, `installExpert(pkg, dir)` / `removeExpert(name, dir)` change a model folder atomically
 * (ExpertPackageError with a `code` when refused); a loaded model is not affected until reloaded, and
 * `model.retire()` releases it once its running requests finish.
 *
 * Errors are `FlexOlmoError` with `code`: PROMPT_TOO_LONG (prompt >= context bytes),
 * UNKNOWN_EXPERT, INVALID_ARGUMENT, MODEL_FILE_MISSING, MODEL_FILE_CORRUPTED (checksums in the
 * manifest are verified at load).
 *
 * Concurrency: one loaded model may serve many requests at once. Each generation keeps its
 * own state (KV cache, sampler, UTF-8 buffer); the ONNX sessions are shared and every forward
 * step runs under a model-wide FIFO lock, so concurrent generations interleave token by token.
 * An aborted `signal` ends the stream at the next token with finishReason "abort".
 */
import * as ort from "onnxruntime-node";
import { FlexOlmoError } from "./errors";
import { type FlexOlmoManifest, readVerifiedModel } from "./manifest";
import { FlexOlmo } from "./runtime";

export type { ModelConfig } from "./config";
export { FlexOlmoError, type FlexOlmoErrorCode } from "./errors";
export type { ExpertContribution, ExpertManifest, FlexOlmoManifest } from "./manifest";
export { baseModelId } from "./manifest";
export {
  EXPERT_NAME,
  ExpertPackageError,
  expertNameProblem,
  installExpert,
  type PackageErrorCode,
  readPackage,
  removeExpert,
} from "./package";
export { type RouteChoice, routeToken } from "./routing";
export type {
  EvaluateOptions,
  ExpertInfo,
  FinishReason,
  GenerateOptions,
  GenerationResult,
  TokenChunk,
} from "./runtime";
export { FlexOlmo };

/**
 * Checks a model folder without creating sessions (for health checks): returns the manifest, or
 * throws FlexOlmoError MODEL_FILE_MISSING / MODEL_FILE_CORRUPTED. Reads and hashes every file
 * (about 12 MB, ~50 ms).
 */
export function verifyModelFiles(dir: string = DEFAULT_MODEL_DIR): FlexOlmoManifest {
  return readVerifiedModel(dir).manifest;
}

/** Where `npm run train` writes the committed model, relative to the repository root. */
export const DEFAULT_MODEL_DIR = "models/flexolmo-mini";

export interface LoadOptions {
  /**
   * Install only these experts (ids; the public expert is always installed). Default: all in the
   * manifest. Experts not installed have no session and cannot be enabled.
   */
  experts?: string[];
  /** onnxruntime intra-op threads per session (default 1: batch-1 decoding is latency bound). */
  threads?: number;
}

/**
 * Loads a merged model folder once: verifies every file against the manifest's SHA-256, then
 * creates one onnxruntime session per part (embed, attention+router, head, one per expert).
 */
export async function loadFlexOlmo(
  dir: string = DEFAULT_MODEL_DIR,
  opts: LoadOptions = {},
): Promise<FlexOlmo> {
  const { manifest, files } = readVerifiedModel(dir);
  const wanted = opts.experts ? new Set(opts.experts) : undefined;
  if (wanted) {
    for (const id of wanted) {
      if (!manifest.experts.some((e) => e.id === id)) {
        throw new FlexOlmoError("UNKNOWN_EXPERT", `unknown expert "${id}" in LoadOptions.experts`, {
          expert: id,
        });
      }
    }
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    // Spinning worker threads waste the few shared cores (measured 4x slower under load).
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  };
  const open = async (name: string) => {
    const bytes = files.get(name);
    if (!bytes)
      throw new FlexOlmoError("MODEL_FILE_MISSING", `manifest of ${dir} does not list ${name}`, {
        path: name,
      });
    try {
      return await ort.InferenceSession.create(bytes, sessionOptions);
    } catch (err) {
      throw new FlexOlmoError("MODEL_FILE_CORRUPTED", `cannot load ${name}: ${(err as Error).message}`, {
        path: name,
      });
    }
  };
  const [embed, attn, head] = await Promise.all([open("embed.onnx"), open("attn.onnx"), open("head.onnx")]);
  const experts = await Promise.all(
    manifest.experts.map((e, i) =>
      i === 0 || !wanted || wanted.has(e.id) ? open(e.file) : Promise.resolve(undefined),
    ),
  );
  return new FlexOlmo(manifest, { embed, attn, head, experts });
}
