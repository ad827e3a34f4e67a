/**
 * POST /api/arena/battles/:id/vote without the framework: the Next.js route
 * (app/api/arena/battles/[id]/vote/route.ts) and the production server's fast route
 * (server/fast-routes.ts) both call `submitVote`, so they accept, refuse and answer alike.
 *
 * A newly stored vote is announced on the diagnostics channel VOTE_STORED (process-wide by name, so it
 * reaches the ratings scheduler whichever bundle stored the vote); lib/arena/ratings-refresh.ts subscribes.
 */
import { channel } from "node:diagnostics_channel";
import { z } from "zod";
import type { PublicUser } from "../auth/accounts";
import { sql } from "../db/sql";
import { HttpError, parseJsonText } from "../http-error";
import { consume } from "../throttle";
import { castVote, VOTE_CHOICES, type VoteResult } from "./votes";

export const VOTE_STORED = "lmr:arena:vote-stored";
const voteStored = channel(VOTE_STORED);
/** The largest vote request body accepted (a vote is `{"choice":"bothbad"}`). */
export const VOTE_BODY_LIMIT = 1_000;

const voteBody = z.object({
  choice: z.enum(VOTE_CHOICES, { message: 'choice must be "a", "b", "tie" or "bothbad"' }),
});

/** -> VoteResult (the names, demo flags and any reasoning revealed); throws HttpError (401, 400, 403, 404, 409, 413, 429). */
export async function submitVote(
  user: PublicUser | null,
  battleId: string,
  bodyText: string,
): Promise<VoteResult> {
  if (!user) throw new HttpError(401, "Sign in to continue.");
  await consume("votes", `user:${user.id}`);
  const { choice } = parseJsonText(bodyText, voteBody, VOTE_BODY_LIMIT);
  const result = await castVote(sql(), { battleId, userId: user.id, choice });
  if (!result.repeated) voteStored.publish({ battleId });
  return result;
}
