"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { db } from "@/lib/db/client";
import { exportSlice } from "@/lib/export/from-database";
import { parseExportQuery } from "@/lib/export/query";
import { HttpError } from "@/lib/http-error";
import { DatasetImportError, datasetFromRecords, datasetNameSchema } from "@/lib/judges/datasets";

const sliceSchema = z.object({ name: datasetNameSchema, query: z.string().max(10_000) });

/** Copies the votes matching the export filters into a dataset for judge evaluation. */
export const createSliceDatasetAction = authedAction<typeof sliceSchema, { id: string }>(
  { role: "admin", schema: sliceSchema },
  async ({ name, query }, admin) => {
    try {
      const { filters } = parseExportQuery(new URLSearchParams(query));
      const ds = await datasetFromRecords(db(), {
        name,
        filters: Object.fromEntries(new URLSearchParams(query)),
        pages: exportSlice(filters),
        createdById: admin.id,
      });
      revalidatePath("/admin/judges");
      return {
        ok: true,
        message: `Dataset "${name}" created with ${ds.itemCount} records.`,
        data: { id: ds.id },
      };
    } catch (e) {
      if (e instanceof DatasetImportError) return { ok: false, message: e.errors.join("; ") };
      if (e instanceof HttpError) return { ok: false, message: e.message };
      throw e;
    }
  },
);
