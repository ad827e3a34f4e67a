import { HttpError, handler, json } from "@/lib/http";
import { loadTrace, traceAnswer } from "@/lib/trace/stored-traces";

export const dynamic = "force-dynamic";

/** Public: a stored trace by id (the permanent link's data). */
export const GET = handler<{ id: string }>("public", async (_req, { params }) => {
  const stored = await loadTrace(params.id);
  if (!stored) throw new HttpError(404, "No trace with this id.");
  return json(traceAnswer(stored));
});
