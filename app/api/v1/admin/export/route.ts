import { FORMAT_INFO } from "@/lib/export/formats";
import { exportSummary, streamExport } from "@/lib/export/from-database";
import { exportFileName, parseExportQuery } from "@/lib/export/query";
import { handler, json } from "@/lib/http";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/admin/export?format=jsonl|csv|parquet|arena&from=&to=&subjects=&models=&votes=&trusted=only
 *   &flagged=include&excluded=include[&summary=1]
 * Streams the SciArena-Eval export (admin session or admin-scoped API key). `summary=1` returns the count and
 * the first rows as JSON instead.
 */
export const GET = handler({ apiKey: "admin", orSession: "admin" }, async (req) => {
  const params = new URL(req.url).searchParams;
  const { format, filters } = parseExportQuery(params);
  if (params.get("summary") === "1") return json(await exportSummary(filters));
  const info = FORMAT_INFO[format];
  return new Response(streamExport(format, filters), {
    headers: {
      "content-type": info.contentType,
      "content-disposition": `attachment; filename="${exportFileName(format)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
