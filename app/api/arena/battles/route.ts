import { z } from "zod";
import type { BattleEvent } from "@/lib/arena/battles";
import { startBattle, streamBattle } from "@/lib/arena/service";
import { handler, readJson } from "@/lib/http";

/**
 * POST /api/arena/battles {question, subject?} -> NDJSON stream, one event per line:
 *   {"type":"battle","id","passages":[...]}        first: the battle and the passages both models were given
 *   {"type":"chunk","side":"a"|"b","text"}          pieces of the two answers, interleaved as they arrive
 *   {"type":"done","side"}                          one side finished
 *   {"type":"answered"} | {"type":"void","message"} last: stored and ready for a vote, or voided
 * `subject` is one of lib/arena/subjects.ts's SUBJECTS (default "Other"); another value is a 400.
 * A bad question is a 400 before the stream starts; fewer than two enabled models is a 503.
 */
export const POST = handler("user", async (req, { user }) => {
  const body = await readJson(
    req,
    z.object({ question: z.unknown(), subject: z.unknown().optional() }),
    64_000,
  );
  const started = await startBattle(user!, body.question, body.subject);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (event: BattleEvent | Record<string, unknown>) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false;
        }
      };
      send({ type: "battle", id: started.id, passages: started.passages });
      try {
        await streamBattle(started, req.signal, send);
      } catch (e) {
        console.error(e);
        send({ type: "void", message: "The battle failed on the server. This battle is void; ask again." });
      }
      if (open) controller.close();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
});
