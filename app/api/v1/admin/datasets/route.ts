import { db } from "@/lib/db/client";
import { looksLikeExportName } from "@/lib/export/end";
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
 * POST /api/v1/admin/datasets?name=NAME[&require_end=1] with a SciArena-Eval file as the body (a JSON array or
 * JSONL, at most MAX_IMPORT_BYTES). 201 with the dataset, or 400 with `details`: the line-numbered errors. The
 * export's end line is required with `require_end=1` or when `X-File-Name` is named like this app's exports.
 */
export const POST = handler({ apiKey: "admin", orSession: "admin" }, async (req, { user }) => {
  const name = datasetNameSchema.safeParse(new URL(req.url).searchParams.get("name") ?? "");
  if (!name.success) throw new HttpError(400, name.error.issues[0].message);
  const text = await readText(req, MAX_IMPORT_BYTES);
  const fileName = decodeFileName(req.headers.get("x-file-name"));
  const requireEnd =
    new URL(req.url).searchParams.get("require_end") === "1" ||
    (fileName !== null && looksLikeExportName(fileName));
  try {
    const items = parseEvalFile(text, { requireEnd });
    const ds = await createDataset(db(), {
      name: name.data,
      source: "import",
      origin: { bytes: Buffer.byteLength(text), file: fileName?.slice(0, 200) ?? null },
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

/** The client sends the file name URI-encoded (headers are Latin-1). */
function decodeFileName(raw: string | null): string | null {
  if (raw === null) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
