"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { setVotesExcluded } from "@/lib/arena/voters";
import { setBanned } from "@/lib/auth/accounts";
import { db } from "@/lib/db/client";

const voterChange = z.object({
  userId: z.string().min(1).max(40),
  change: z.enum(["exclude", "include", "ban", "unban"]),
});

const DONE = {
  exclude: "Votes excluded from the ratings for",
  include: "Votes counted again for",
  ban: "Banned",
  unban: "Unbanned",
} as const;

export const changeVoterAction = authedAction(
  { role: "admin", schema: voterChange },
  async ({ userId, change }, admin) => {
    if (userId === admin.id && change === "ban") return { ok: false, message: "You cannot ban yourself." };
    let email: string | null;
    if (change === "exclude" || change === "include") {
      email = await setVotesExcluded(userId, change === "exclude");
    } else {
      const user = await db().user.findUnique({ where: { id: userId }, select: { email: true } });
      email = user?.email ?? null;
      if (email) await setBanned(db(), email, change === "ban");
    }
    if (!email) return { ok: false, message: "No such account." };
    revalidatePath("/admin/voters");
    return { ok: true, message: `${DONE[change]} ${email}.` };
  },
);
