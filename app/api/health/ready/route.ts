import { readiness } from "@/lib/health";
import { handler, json } from "@/lib/http";

export const dynamic = "force-dynamic";

/**
 * Readiness: 200 when this instance should get traffic (start-up done, not shutting down, database
 * answering), else 503. Admins also see the database's error text.
 */
export const GET = handler("public", async (_req, { user }) => {
  const r = await readiness({ details: user?.role === "admin" });
  return json(r, r.ready ? 200 : 503);
});
