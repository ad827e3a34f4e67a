"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { importUploadedPapers } from "@/lib/arena/paper-upload";
import { setDailyVoteCap } from "@/lib/arena/settings";
import { db, sql } from "@/lib/db/client";
import { newProviderSchema, ProviderNameTakenError, registerOpenAiProvider } from "@/lib/providers/registry";
import { providerKey } from "@/lib/secrets";

export const registerModelAction = authedAction(
  { role: "admin", schema: newProviderSchema },
  async (input) => {
    try {
      await registerOpenAiProvider(db(), input, providerKey());
    } catch (e) {
      if (e instanceof ProviderNameTakenError)
        return { ok: false, message: e.message, errors: { name: e.message } };
      throw e;
    }
    revalidatePath("/admin/models");
    return { ok: true, message: `Registered ${input.name}. It takes part in new battles now.` };
  },
);

export const toggleModelAction = authedAction(
  { role: "admin", schema: z.object({ id: z.string().min(1).max(40), enabled: z.enum(["true", "false"]) }) },
  async ({ id, enabled }) => {
    const row = await db().modelProvider.update({ where: { id }, data: { enabled: enabled === "true" } });
    revalidatePath("/admin/models");
    return {
      ok: true,
      message: row.enabled
        ? `${row.name} takes part in new battles.`
        : `${row.name} is kept out of new battles.`,
    };
  },
);

export const toggleLeaderboardAction = authedAction(
  { role: "admin", schema: z.object({ id: z.string().min(1).max(40), listed: z.enum(["true", "false"]) }) },
  async ({ id, listed }) => {
    const row = await db().modelProvider.update({
      where: { id },
      data: { onLeaderboard: listed === "true" },
    });
    revalidatePath("/admin/models");
    revalidatePath("/leaderboard");
    return {
      ok: true,
      message: row.onLeaderboard
        ? `${row.name} is listed on the public leaderboard.`
        : `${row.name} is hidden from the public leaderboard (its battles still count for the other models).`,
    };
  },
);

export const setReasoningStartAction = authedAction(
  {
    role: "admin",
    schema: z.object({ id: z.string().min(1).max(40), startsInside: z.enum(["true", "false"]) }),
  },
  async ({ id, startsInside }) => {
    const row = await db().modelProvider.update({
      where: { id },
      data: { reasoningStartsInside: startsInside === "true" },
    });
    revalidatePath("/admin/models");
    return {
      ok: true,
      message: row.reasoningStartsInside
        ? `${row.name}'s replies are read as reasoning until its </think>.`
        : `${row.name}'s replies are read as answer unless they open with <think>.`,
    };
  },
);

export const setVoteCapAction = authedAction(
  {
    role: "admin",
    schema: z.object({
      cap: z.coerce
        .number({ message: "Enter a number" })
        .int("Enter a whole number")
        .min(0, "At least 0")
        .max(1_000_000, "At most 1,000,000"),
    }),
  },
  async ({ cap }) => {
    await setDailyVoteCap(db(), cap);
    revalidatePath("/admin/models");
    return { ok: true, message: `Each researcher may now cast ${cap} votes per day.` };
  },
);

/** Server actions accept bodies up to 1 MB; larger collections go through `npm run admin -- import-papers`. */
const MAX_UPLOAD = 1_000_000;

export const importPapersAction = authedAction(
  {
    role: "admin",
    schema: z.object({
      file: z
        .custom<File>((v) => v instanceof File, "Choose a JSON lines file")
        .refine((f) => f.size > 0, "The file is empty")
        .refine(
          (f) => f.size <= MAX_UPLOAD,
          "The file is over 1 MB: use `npm run admin -- import-papers --format FORMAT FILE`",
        ),
      format: z.enum(["jsonl", "arxiv", "openalex"], { message: "Choose a format" }).default("jsonl"),
    }),
  },
  async ({ file, format }) => {
    const result = await importUploadedPapers(sql(), Buffer.from(await file.arrayBuffer()), format);
    if (!result.ok)
      return { ok: false, message: `Nothing imported: ${result.error}`, errors: { file: result.error } };
    revalidatePath("/admin/models");
    return { ok: true, message: result.message };
  },
);
