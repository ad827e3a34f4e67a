import { db } from "@/lib/db/client";
import { HttpError, handler, json, readText } from "@/lib/http";
import {
  createDataset,
  DatasetImportError,
  datasetNameSchema,
  listDatasets,
  MAX_IMPORT_BYTES,
  parseEvalFile,
} from "@/lib/judges/datasets";

export const dynamic = "force-dynamic";

/** GET /api/v1/admin/datasets: the evaluation datasets, newest first. */
export const GET = handler({ apiKey: "admin", orSession: "admin" }, async () =>
  json({ datasets: await listDatasets(db()) }),
);

/**
 * POST /api/v1/admin/datasets?name=NAME with a SciArena-Eval file as the body (a JSON array or JSONL, at most
 * MAX_IMPORT_BYTES). 201 with the dataset, or 400 with `details`: the line-numbered errors.
 */
export const POST = handler({ apiKey: "admin", orSession: "admin" }, async (req, { user }) => {
  const name = datasetNameSchema.safeParse(new URL(req.url).searchParams.get("name") ?? "");
  if (!name.success) throw new HttpError(400, name.error.issues[0].message);
  const text = await readText(req, MAX_IMPORT_BYTES);
  try {
    const items = parseEvalFile(text);
    const ds = await createDataset(db(), {
      name: name.data,
      source: "import",
      origin: { bytes: Buffer.byteLength(text), file: req.headers.get("x-file-name")?.slice(0, 200) ?? null },
      items,
      createdById: user?.id,
    });
    return json({ id: ds.id, name: name.data, itemCount: ds.itemCount }, 201);
  } catch (e) {
    if (e instanceof DatasetImportError)
      throw new HttpError(
        400,
        "The file was not imported.",
        e.errors.map((message) => ({ message })),
      );
    throw e;
  }
});
