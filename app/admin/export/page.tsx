import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { exportFacets } from "@/lib/export/from-database";
import { ExportClient } from "./export-client";

export const metadata: Metadata = { title: "Export" };
export const dynamic = "force-dynamic";

export default async function ExportPage() {
  await requirePageUser("admin");
  const facets = await exportFacets();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Export preference data</h1>
        <p className="muted mt-1 text-sm">
          Votes as SciArena-Eval records (voters appear only as pseudonyms), or as Chatbot Arena battles for
          the ratings CLI. Scripts can call <code>GET /api/v1/admin/export?format=…</code> with an admin API
          key.
        </p>
      </div>
      <ExportClient subjects={facets.subjects} models={facets.models} />
    </div>
  );
}
