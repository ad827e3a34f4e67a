/**
 * The engine's errors (engine/fm, engine/trace) carry codes, never HTTP statuses: this is where a code
 * becomes a status. Recognised by `name` and `code`, not `instanceof`, since Next.js bundles each route
 * with its own copy of the engine modules. Pure (no Next.js): the fast routes use it too.
 */

const FM_ERRORS = new Set([
  "FmError",
  "FmQueryError",
  "FmUsageError",
  "FmInputError",
  "FmIndexFileError",
  "FmUnavailableError",
]);

/** HTTP status per engine error code. 5xx other than 503 mean a broken installation (logged, not shown). */
export const ENGINE_ERROR_STATUS: Record<string, number> = {
  EMPTY_QUERY: 400,
  QUERY_TOO_LONG: 400,
  RANK_OUT_OF_RANGE: 400,
  POSITION_OUT_OF_RANGE: 400,
  DOC_OUT_OF_RANGE: 400,
  BAD_ARGUMENT: 400,
  BAD_INPUT: 400,
  UNKNOWN_SHARD: 404,
  UNKNOWN_DOMAIN: 404,
  INDEX_MISSING: 500,
  INDEX_CORRUPT: 500,
  INDEX_MISMATCH: 500,
  SHARDS_UNAVAILABLE: 503,
  SERVICE_CLOSED: 503,
  SERVICE_BUSY: 503,
  SERVICE_TIMEOUT: 503,
  WORKER_DIED: 503,
};

/** Trace codes that differ from the index's (an unknown domain in a trace request is a 400). */
export const TRACE_ERROR_STATUS: Record<string, number> = {
  EMPTY_TEXT: 400,
  TEXT_TOO_LONG: 413,
  UNKNOWN_DOMAIN: 400,
  UNKNOWN_SHARD: 404,
  BAD_SETTING: 400,
  BAD_POSITION: 400,
  SERVICE_CLOSED: 503,
  SERVICE_BUSY: 503,
  SERVICE_TIMEOUT: 503,
  WORKER_DIED: 503,
};

/** The HTTP status of an engine error, or null when `e` is not one. */
export function engineErrorStatus(e: unknown): number | null {
  if (!(e instanceof Error)) return null;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== "string") return null;
  if (e.name === "TraceError") return TRACE_ERROR_STATUS[code] ?? 500;
  if (FM_ERRORS.has(e.name)) return ENGINE_ERROR_STATUS[code] ?? 500;
  return null;
}
