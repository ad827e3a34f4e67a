/**
 * A trace request as the API receives it: the body's shape (zod) and its rules (form-rules.ts, in the
 * form's words), with the limits taken from the engine's constants so the two never drift. The engine
 * checks again (validateTraceInput) as a last line; requests that pass here pass there.
 */
import { z } from "zod";
import { RELEVANCE_HIGH, RELEVANCE_MEDIUM } from "@/engine/trace/bm25";
import {
  DEFAULT_MIN_SPAN_WORDS,
  DEFAULT_SPAN_DENSITY,
  MAX_TRACE_CHARS,
  type TraceInput,
} from "@/engine/trace/trace";
import { HttpError } from "../http-error";
import { type TraceRules, traceProblem } from "./form-rules";

/** Longest minimum span the engine accepts. */
const MAX_MIN_SPAN_WORDS = 100;

const pct = (x: number) => Math.round(100 * x);

/** The limits and relevance levels of the engine, as the trace pages show them. */
export function traceRules(): TraceRules {
  return {
    maxChars: MAX_TRACE_CHARS,
    defaultSpanDensity: DEFAULT_SPAN_DENSITY,
    defaultMinSpanWords: DEFAULT_MIN_SPAN_WORDS,
    maxMinSpanWords: MAX_MIN_SPAN_WORDS,
    levels: [
      { level: "high", label: "High", range: `relevance ${pct(RELEVANCE_HIGH)}% or more` },
      {
        level: "medium",
        label: "Medium",
        range: `relevance ${pct(RELEVANCE_MEDIUM)}% to ${pct(RELEVANCE_HIGH) - 1}%`,
      },
      { level: "low", label: "Low", range: `relevance under ${pct(RELEVANCE_MEDIUM)}%` },
    ],
  };
}

export const traceBodySchema = z.object({
  response: z.string({ error: "The response to trace must be text." }),
  prompt: z.string({ error: "The prompt must be text." }).nullish(),
  domains: z
    .array(z.string(), { error: "Corpus domains must be a list of names." })
    .max(50, "Choose at most 50 corpus domains.")
    .nullish(),
  spanDensity: z
    .number({ error: "Span density must be a number above 0 and at most 1 (for example 0.05)." })
    .nullish(),
  minSpanWords: z.number({ error: "Minimum span words must be a whole number from 1 to 100." }).nullish(),
});

/**
 * A parsed body checked against the rules and the index's domains: the engine's input, or an HttpError
 * (400, or 413 for text over the limit) whose message names the form's field as the form does.
 */
export function checkTraceRequest(
  body: z.infer<typeof traceBodySchema>,
  knownDomains: readonly string[],
): TraceInput {
  const problem = traceProblem(body, traceRules(), knownDomains);
  if (problem) throw new HttpError(problem.status, problem.message);
  return {
    response: body.response,
    prompt: body.prompt ?? undefined,
    domains: body.domains ?? undefined,
    spanDensity: body.spanDensity ?? undefined,
    minSpanWords: body.minSpanWords ?? undefined,
  };
}
