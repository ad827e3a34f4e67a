/**
 * Benchmark contamination checks (infini-gram mini): request limits and validation, the summary over
 * entries, and the parser for pasted or uploaded entries (JSONL objects with a `text` field, or plain lines).
 * Pure: the browser uses `parseEntriesText` too.
 */

import type { ContaminationLabel, ContaminationResult } from "@/engine/fm/index";
import { HttpError } from "../http-error";

/**
 * Each probe is a count over every shard (about 50 bytes * S shards of backward search), and an entry of
 * n characters has about n/6 probes; these bounds keep a request to a few seconds of engine time.
 */
export const CONTAMINATION_LIMITS = {
  maxEntries: 200,
  maxEntryChars: 5000,
  maxTotalChars: 200_000,
  maxBodyBytes: 1_000_000,
} as const;

export interface ContaminationRequest {
  entries: { id: string; text: string }[];
  domains?: string[];
}

/**
 * Validates `{entries: [{id?, text}], domains?}`. 400 for wrong types or empty text, 413 for too many or
 * too long entries. Ids default to the entry's position (1-based).
 */
export function parseContaminationRequest(
  body: unknown,
  knownDomains: readonly string[],
): ContaminationRequest {
  const L = CONTAMINATION_LIMITS;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "The request body must be a JSON object with an entries list");
  }
  const { entries, domains } = body as { entries?: unknown; domains?: unknown };
  if (!Array.isArray(entries)) throw new HttpError(400, "entries must be a list of {id?, text} objects");
  if (entries.length === 0) throw new HttpError(400, "entries is empty");
  if (entries.length > L.maxEntries) {
    throw new HttpError(413, `${entries.length} entries; the limit is ${L.maxEntries} per request`);
  }
  let total = 0;
  const out = entries.map((e: unknown, i) => {
    const n = i + 1;
    if (typeof e !== "object" || e === null || Array.isArray(e)) {
      throw new HttpError(400, `entry ${n} must be an object {id?, text}`);
    }
    const { id, text } = e as { id?: unknown; text?: unknown };
    if (typeof text !== "string") throw new HttpError(400, `entry ${n}: text must be a string`);
    if (text.trim() === "") throw new HttpError(400, `entry ${n}: text is empty`);
    if (text.length > L.maxEntryChars) {
      throw new HttpError(
        413,
        `entry ${n}: text is ${text.length} characters; the limit is ${L.maxEntryChars}`,
      );
    }
    total += text.length;
    if (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number") {
      throw new HttpError(400, `entry ${n}: id must be a string or a number`);
    }
    return { id: id === undefined || id === null ? String(n) : String(id), text };
  });
  if (total > L.maxTotalChars) {
    throw new HttpError(
      413,
      `the entries hold ${total} characters; the limit is ${L.maxTotalChars} per request`,
    );
  }
  let chosen: string[] | undefined;
  if (domains !== undefined && domains !== null) {
    if (!Array.isArray(domains) || domains.length === 0 || !domains.every((d) => typeof d === "string")) {
      throw new HttpError(400, "domains must be a non-empty list of domain names");
    }
    for (const d of domains) {
      if (!knownDomains.includes(d)) {
        throw new HttpError(400, `Unknown domain "${d}" (known: ${knownDomains.join(", ")})`);
      }
    }
    chosen = [...new Set(domains as string[])];
  }
  return { entries: out, domains: chosen };
}

export interface ContaminationSummary {
  entries: number;
  clean: number;
  suspicious: number;
  dirty: number;
  /** Share of entries labelled dirty. */
  dirty_share: number;
  /** Mean over entries of the share of probes found. */
  mean_share: number;
}

export function summarize(results: readonly ContaminationResult[]): ContaminationSummary {
  const by: Record<ContaminationLabel, number> = { clean: 0, suspicious: 0, dirty: 0 };
  let sum = 0;
  for (const r of results) {
    by[r.label]++;
    sum += r.share;
  }
  const n = results.length;
  return { entries: n, ...by, dirty_share: n ? by.dirty / n : 0, mean_share: n ? sum / n : 0 };
}

export interface ParsedEntries {
  entries: { id: string; text: string }[];
  /** Lines that could not be read, 1-based. */
  errors: { line: number; message: string }[];
}

/**
 * Reads pasted or uploaded entries: each non-blank line is a JSON object with a string `text` (and an
 * optional `id`), or, when it does not start with `{`, a plain-text entry. Ids default to `line N`.
 */
export function parseEntriesText(input: string): ParsedEntries {
  const entries: ParsedEntries["entries"] = [];
  const errors: ParsedEntries["errors"] = [];
  const lines = input.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "") return;
    if (!trimmed.startsWith("{")) {
      entries.push({ id: `line ${line}`, text: trimmed });
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch {
      errors.push({ line, message: "not valid JSON" });
      return;
    }
    const { id, text } = obj as { id?: unknown; text?: unknown };
    if (typeof text !== "string" || text.trim() === "") {
      errors.push({ line, message: 'needs a non-empty string "text" field' });
      return;
    }
    entries.push({
      id: typeof id === "string" || typeof id === "number" ? String(id) : `line ${line}`,
      text,
    });
  });
  return { entries, errors };
}
