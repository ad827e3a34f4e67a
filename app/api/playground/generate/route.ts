import { z } from "zod";
import { handler, readJson } from "@/lib/http";
import { startGeneration } from "@/lib/models/flexolmo";

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
 * The playground's generation stream for signed-in users: NDJSON, one event per line,
 * `{"type":"piece","text","routing":[{id,weight}],"bytes"}` then `{"type":"done","finishReason","tokens","routing"}`
 * (or `{"type":"error","message"}`). Bad input is a 4xx JSON `{error}` before the stream starts.
 * Closing the connection (the Stop button) aborts generation.
 */
export const POST = handler("user", async (req) => {
  const body = await readJson(req, bodySchema, 200_000);
  const abort = new AbortController();
  req.signal.addEventListener("abort", () => abort.abort(), { once: true });
  const events = await startGeneration({ ...body, signal: abort.signal });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (v: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(v)}\n`));
      try {
        for await (const ev of events) {
          if (abort.signal.aborted) break;
          send(ev);
        }
        if (!abort.signal.aborted) controller.close();
      } catch (e) {
        if (abort.signal.aborted) return; // the client is gone (Stop); nothing to tell
        console.error(e);
        send({ type: "error", message: "Generation failed." });
        controller.close();
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
});
