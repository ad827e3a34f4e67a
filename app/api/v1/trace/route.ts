import { z } from "zod";
import { validateTraceInput } from "@/engine/trace/trace";
import { handler, json, readJson } from "@/lib/http";
import { runAndStoreTrace, traceAnswer, traceService } from "@/lib/trace/service";

export const dynamic = "force-dynamic";

const body = z.object({
  response: z.string({ error: "response must be a string" }),
  prompt: z.string().nullish(),
  domains: z.array(z.string()).max(50).nullish(),
  spanDensity: z.number().nullish(),
  minSpanWords: z.number().int().nullish(),
});

/**
 * Public (signed in or not): traces a response back to the corpus and stores the trace.
 * Body `{response, prompt?, domains?, spanDensity?, minSpanWords?}`; answers `{id, url, ...result}` with
 * spans, regions, documents (with relevance) and coverage. 400 for empty text, an unknown domain or a bad
 * setting; 413 for text over 20,000 characters.
 */
export const POST = handler(
  "public",
  async (req, { user }) => {
    const input = await readJson(req, body, 400_000);
    const service = await traceService();
    // Checked here too so bad input never reaches a worker.
    validateTraceInput({ ...input, response: input.response }, service.domains);
    const stored = await runAndStoreTrace(input, user?.id ?? null);
    return json(traceAnswer(stored));
  },
  { throttle: ["trace", "trace-store"] },
);
