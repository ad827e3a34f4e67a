import { submitVote, VOTE_BODY_LIMIT } from "@/lib/arena/vote-request";
import { handler, json, readText } from "@/lib/http";

/**
 * POST /api/arena/battles/:id/vote {choice: "a"|"b"|"tie"|"bothbad"} -> VoteResult (lib/arena/votes.ts: the choice, the two names with their demo flags, any reasoning, flagged).
 * Only the asker, once both answers finished; repeats are idempotent (same answer), a different choice is 409.
 * The production server answers this path itself (server/fast-routes.ts) through the same submitVote;
 * this route serves it under `next dev` and `next start`.
 */
export const POST = handler<{ id: string }>("user", async (req, { user, params }) =>
  json(await submitVote(user, params.id, await readText(req, VOTE_BODY_LIMIT))),
);
