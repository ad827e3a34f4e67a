import { EngineError } from "../errors";

/** What went wrong, as a stable machine-readable code (the HTTP layer maps these to statuses). */
export type FlexOlmoErrorCode =
  /** The prompt leaves no room to generate within the context window (or exceeds it). */
  | "PROMPT_TOO_LONG"
  /** An expert id that the loaded model does not have. */
  | "UNKNOWN_EXPERT"
  /** A bad sampling setting (topK, temperature, topP, maxTokens). */
  | "INVALID_ARGUMENT"
  /** The model folder, manifest or a file it lists is absent. */
  | "MODEL_FILE_MISSING"
  /** A model file whose SHA-256 differs from the manifest, or a manifest that does not parse. */
  | "MODEL_FILE_CORRUPTED";

export class FlexOlmoError extends EngineError<FlexOlmoErrorCode> {
  readonly details: Record<string, unknown>;

  constructor(code: FlexOlmoErrorCode, message: string, details: Record<string, unknown> = {}) {
    super("FlexOlmoError", code, message);
    this.details = details;
  }
}
