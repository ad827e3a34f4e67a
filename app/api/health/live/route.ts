import { json } from "@/lib/http";

export const dynamic = "force-dynamic";

/** Liveness: the process answers requests (restart it when this fails). Reads nothing. */
export function GET() {
  return json({ status: "ok" });
}
