import { z } from "zod";
import { CALIBRATION_CHOICES, castCalibrationVote } from "@/lib/agreement/calibration";
import { db } from "@/lib/db/client";
import { handler, json, readJson } from "@/lib/http";
import { consume } from "@/lib/throttle";

/** POST /api/v1/calibration/:id/vote {choice: a|b|tie|bothbad} on the answers as shown. */
export const POST = handler<{ id: string }>("user", async (req, { user, params }) => {
  await consume("votes", `user:${user!.id}`);
  const { choice } = await readJson(req, z.object({ choice: z.enum(CALIBRATION_CHOICES) }), 1000);
  await castCalibrationVote(db(), { itemId: params.id, userId: user!.id, choice });
  return json({ ok: true });
});
