import { health } from "@/lib/health";
import { handler, json } from "@/lib/http";

export const dynamic = "force-dynamic";

/**
 * Public: whether the database, index and model are usable (503 when the database is down). Admins also
 * see each part's details (file paths, error text, latency).
 */
export const GET = handler("public", async (_req, { user }) => {
  const h = await health({ details: user?.role === "admin" });
  return json(h, h.status === "down" ? 503 : 200);
});
