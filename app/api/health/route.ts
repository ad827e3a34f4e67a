import { health } from "@/lib/health";
import { handler, json } from "@/lib/http";

export const dynamic = "force-dynamic";

/** Public: reports whether the database, index and model are usable. 503 when the database is down. */
export const GET = handler("public", async () => {
  const h = await health();
  return json(h, h.status === "down" ? 503 : 200);
});
