import { z } from "zod";
import { traceService } from "@/lib/engine/trace";
import { handler, json, readJson } from "@/lib/http";

export const dynamic = "force-dynamic";

const body = z.object({
  shard: z.string().min(1).max(200),
  position: z.number().int().min(0),
  length: z.number().int().min(0).max(100_000),
  words: z.number().int().min(1).max(1000).optional(),
});

/** Public: "view document", about 250 words either side of a match found by a trace. */
export const POST = handler(
  "public",
  async (req) => {
    const input = await readJson(req, body, 10_000);
    const service = await traceService();
    return json(await service.context(input));
  },
  { throttle: ["trace"] },
);
