import { traceService } from "@/lib/engine/trace";
import { handler, json, readJson } from "@/lib/http";
import { checkTraceRequest, traceBodySchema } from "@/lib/trace/input";
import { runAndStoreTrace, traceAnswer } from "@/lib/trace/stored-traces";

export const dynamic = "force-dynamic";

/**
 * Public (signed in or not): traces a response back to the corpus and stores the trace.
 * Body `{response, prompt?, domains?, spanDensity?, minSpanWords?}`; answers `{id, url, ...result}` with
 * spans, regions, documents (with relevance) and coverage. 400 for empty text, an unknown domain or a bad
 * setting; 413 for text over 20,000 characters (lib/trace/input.ts, in the trace form's words).
 */
export const POST = handler(
  "public",
  async (req, { user }) => {
    const body = await readJson(req, traceBodySchema, 400_000);
    const service = await traceService();
    const input = checkTraceRequest(body, service.domains);
    const stored = await runAndStoreTrace(input, user?.id ?? null);
    return json(traceAnswer(stored));
  },
  { throttle: ["trace", "trace-store"] },
);
