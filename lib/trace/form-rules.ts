/**
 * The rules of a trace request, in the words of the trace form, shared by the form (checked before
 * sending) and the API route (checked again, lib/trace/input.ts). Pure and free of engine imports, so the
 * browser bundle stays small: the limits come in as data (`traceRules()` on the server).
 */

/** The limits and levels a trace page needs (from the engine's constants; see lib/trace/input.ts). */
export interface TraceRules {
  maxChars: number;
  defaultSpanDensity: number;
  defaultMinSpanWords: number;
  maxMinSpanWords: number;
  /** Relevance levels, best first, with the range each covers in words. */
  levels: { level: "high" | "medium" | "low"; label: string; range: string }[];
}

export interface TraceFormValues {
  response: string;
  prompt?: string | null;
  domains?: readonly string[] | null;
  spanDensity?: number | null;
  minSpanWords?: number | null;
}

export type TraceField = "response" | "prompt" | "domains" | "spanDensity" | "minSpanWords";

export interface TraceProblem {
  field: TraceField;
  /** 413 for text over the limit, 400 otherwise. */
  status: 400 | 413;
  message: string;
}

/** Characters as a reader counts them (code points, so an emoji is one). */
export function countChars(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const thousands = (n: number) => n.toLocaleString("en");

/**
 * The first problem of a trace request, in the form's words, or null. `knownDomains` are the index's
 * domains; an empty `domains` list means all of them (the API's default), so only the form, which always
 * sends a choice, can ask for none (`requireDomain`). Time O(text length).
 */
export function traceProblem(
  v: TraceFormValues,
  rules: Pick<TraceRules, "maxChars" | "maxMinSpanWords">,
  knownDomains: readonly string[],
  requireDomain = false,
): TraceProblem | null {
  if (typeof v.response !== "string" || v.response.trim() === "")
    return {
      field: "response",
      status: 400,
      message: "The response to trace is empty. Paste some text first.",
    };
  const tooLong = (field: "response" | "prompt", text: string): TraceProblem | null => {
    const n = countChars(text);
    if (n <= rules.maxChars) return null;
    const message = `The ${field} is ${thousands(n)} characters; the limit is ${thousands(rules.maxChars)} characters.`;
    return { field, status: 413, message };
  };
  const long = tooLong("response", v.response) ?? (v.prompt ? tooLong("prompt", v.prompt) : null);
  if (long) return long;
  const domains = v.domains ?? [];
  if (requireDomain && domains.length === 0)
    return { field: "domains", status: 400, message: "Choose at least one corpus domain to search." };
  const unknown = domains.find((d) => !knownDomains.includes(d));
  if (unknown !== undefined)
    return {
      field: "domains",
      status: 400,
      message: `There is no corpus domain "${unknown.slice(0, 40)}"; choose from ${knownDomains.join(", ")}.`,
    };
  const d = v.spanDensity;
  if (d !== undefined && d !== null && !(Number.isFinite(d) && d > 0 && d <= 1))
    return {
      field: "spanDensity",
      status: 400,
      message: "Span density must be a number above 0 and at most 1 (for example 0.05).",
    };
  const w = v.minSpanWords;
  if (w !== undefined && w !== null && !(Number.isInteger(w) && w >= 1 && w <= rules.maxMinSpanWords))
    return {
      field: "minSpanWords",
      status: 400,
      message: `Minimum span words must be a whole number from 1 to ${rules.maxMinSpanWords}.`,
    };
  return null;
}
