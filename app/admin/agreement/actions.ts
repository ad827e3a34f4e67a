"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { markCalibration } from "@/lib/agreement/calibration";
import { db } from "@/lib/db/client";
import { HttpError } from "@/lib/http-error";

const markSchema = z.object({ battleId: z.string().min(1).max(40), active: z.enum(["true", "false"]) });

export const markCalibrationAction = authedAction(
  { role: "admin", schema: markSchema },
  async ({ battleId, active }, admin) => {
    try {
      await markCalibration(db(), battleId, admin.id, active === "true");
    } catch (e) {
      if (e instanceof HttpError) return { ok: false, message: e.message };
      throw e;
    }
    revalidatePath("/admin/agreement");
    return { ok: true, message: active === "true" ? "Marked for calibration." : "Calibration stopped." };
  },
);
