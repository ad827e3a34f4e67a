"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { authedAction } from "@/lib/actions";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { HttpError } from "@/lib/http-error";
import {
  expertArenaSchema,
  removeExpertSchema,
  removeInstalledExpert,
  setExpertInArena,
} from "@/lib/models/expert-admin";

function refresh() {
  for (const p of ["/admin/experts", "/admin/models", "/experts", "/playground"]) revalidatePath(p);
}

/** On success the page reloads without the expert's card, so the outcome is shown by the page (?removed=). */
export const removeExpertAction = authedAction(
  { role: "admin", schema: removeExpertSchema },
  async ({ name }) => {
    let withdrawn: string[];
    try {
      withdrawn = (await removeInstalledExpert(db(), env().modelDir, name)).disabled;
    } catch (e) {
      if (e instanceof HttpError) return { ok: false, message: e.message };
      throw e;
    }
    refresh();
    const q = new URLSearchParams({ removed: name });
    if (withdrawn.length) q.set("withdrawn", withdrawn.join(","));
    redirect(`/admin/experts?${q}`);
  },
);

export const expertArenaAction = authedAction(
  { role: "admin", schema: expertArenaSchema },
  async ({ name, enabled }) => {
    try {
      const names = await setExpertInArena(db(), env().modelDir, name, enabled === "true");
      refresh();
      return {
        ok: true,
        message: `${names.join(" and ")} ${enabled === "true" ? "now take part in new battles" : "no longer take part in battles"}.`,
      };
    } catch (e) {
      if (e instanceof HttpError) return { ok: false, message: e.message };
      throw e;
    }
  },
);
