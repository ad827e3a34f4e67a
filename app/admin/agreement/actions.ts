"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { markCalibration, publishDataset } from "@/lib/agreement/calibration";
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

const publishSchema = z.object({ datasetId: z.string().min(1).max(40), active: z.enum(["true", "false"]) });

export const publishDatasetAction = authedAction(
  { role: "admin", schema: publishSchema },
  async ({ datasetId, active }, admin) => {
    let items = 0;
    try {
      ({ items } = await publishDataset(db(), datasetId, admin.id, active === "true"));
    } catch (e) {
      if (e instanceof HttpError) return { ok: false, message: e.message };
      throw e;
    }
    revalidatePath("/admin/agreement");
    return {
      ok: true,
      message:
        active === "true" ? `Published ${items} pairs for calibration.` : "Withdrawn from calibration.",
    };
  },
);
