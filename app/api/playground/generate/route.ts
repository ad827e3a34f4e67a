import { z } from "zod";
import { handler, readJson } from "@/lib/http";
import { startGeneration } from "@/lib/models/flexolmo";
import type { PlaygroundEvent } from "@/lib/models/generation-events";
import { eventStreamResponse } from "@/lib/streams/event-stream";

export const dynamic = "force-dynamic";

const bodySchema = z.object({
  prompt: z.string().max(100_000),
  experts: z.array(z.string().min(1)).max(64),
  topK: z.number().int().min(1).max(64),
  temperature: z.number().min(0).max(2),
  topP: z.number().gt(0).max(1),
  maxTokens: z.number().int().min(1).max(4096),
  seed: z.number().int().min(0).max(0xffffffff),
  stop: z.array(z.string().min(1)).max(8),
});

/**
 * The playground's generation stream for signed-in users: NDJSON of PlaygroundEvent
 * (lib/models/generation-events.ts): pieces with their routing, then "done" (or "error").
 * Bad input is a 4xx JSON `{error}` before the stream starts. Closing the connection (the Stop button)
 * aborts generation.
 */
export const POST = handler("user", async (req) => {
  const body = await readJson(req, bodySchema, 200_000);
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  req.signal.addEventListener("abort", onAbort, { once: true });
  const events = await startGeneration({ ...body, signal: abort.signal });
  return eventStreamResponse<PlaygroundEvent>({
    format: "ndjson",
    signal: abort.signal,
    run: async (send, signal) => {
      signal.addEventListener("abort", onAbort, { once: true }); // the body was cancelled
      try {
        for await (const ev of events) {
          if (signal.aborted) break;
          send(ev);
        }
      } finally {
        req.signal.removeEventListener("abort", onAbort);
      }
    },
    onError: () => ({ type: "error", message: "Generation failed." }),
  });
});
