import { z } from "zod";
import { voteOnBattle } from "@/lib/arena/service";
import { VOTE_CHOICES } from "@/lib/arena/votes";
import { handler, json, readJson } from "@/lib/http";

/**
 * POST /api/arena/battles/:id/vote {choice: "a"|"b"|"tie"|"bothbad"} -> {choice, repeated, modelA, modelB, flagged}.
 * Only the asker, once both answers finished; repeats are idempotent (same answer), a different choice is 409.
 */
export const POST = handler<{ id: string }>("user", async (req, { user, params }) => {
  const { choice } = await readJson(
    req,
    z.object({ choice: z.enum(VOTE_CHOICES, { message: 'choice must be "a", "b", "tie" or "bothbad"' }) }),
    1_000,
  );
  return json(await voteOnBattle(user!, params.id, choice));
});
