import { z } from "zod";
import type { BattleStreamEvent } from "@/lib/arena/battle-events";
import { startBattle, streamBattle } from "@/lib/arena/battle-request";
import { handler, readJson } from "@/lib/http";
import { eventStreamResponse } from "@/lib/streams/event-stream";

/**
 * POST /api/arena/battles {question, subject?} -> NDJSON stream of BattleStreamEvent
 * (lib/arena/battle-events.ts): the battle and its passages, the two answers' pieces, then "answered" or
 * "void". `subject` is one of lib/arena/subjects.ts's SUBJECTS (default "Other"); another value is a 400.
 * A bad question is a 400 before the stream starts; fewer than two enabled models is a 503.
 */
export const POST = handler("user", async (req, { user }) => {
  const body = await readJson(
    req,
    z.object({ question: z.unknown(), subject: z.unknown().optional() }),
    64_000,
  );
  const started = await startBattle(user!, body.question, body.subject);
  return eventStreamResponse<BattleStreamEvent>({
    format: "ndjson",
    signal: req.signal,
    run: async (send, signal) => {
      send({ type: "battle", id: started.id, passages: started.passages });
      await streamBattle(started, signal, send);
    },
    onError: () => ({
      type: "void",
      message: "The battle failed on the server. This battle is void; ask again.",
    }),
  });
});
