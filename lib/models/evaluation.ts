import "server-only";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { env } from "../env";

/**
 * The evaluation table written by `npm run -s eval:moe` (engine/moe/eval.ts) to
 * <MODEL_DIR>/eval.json: held-out bits per byte per domain for each expert configuration, and the
 * FlexOlmo paper's claims checked on those numbers. Validated here so a file of another shape is
 * reported instead of breaking the page.
 */
const evalRow = z.object({
  name: z.string(),
  kind: z.string(),
  experts: z.array(z.string()),
  bitsPerByte: z.record(z.string(), z.number()),
  mean: z.number(),
  /** Per held-out domain, the mean routing weight each enabled expert received. */
  routingShare: z.record(z.string(), z.record(z.string(), z.number())).optional(),
});

const evalReport = z.object({
  createdAt: z.string(),
  topK: z.number(),
  heldoutBytes: z.record(z.string(), z.number()),
  domains: z.array(z.string()),
  rows: z.array(evalRow),
  claims: z.array(z.object({ claim: z.string(), holds: z.boolean(), detail: z.string() })),
  /** Cosine similarity of the experts' router rows (mean over layers). */
  routerCosine: z.object({ experts: z.array(z.string()), matrix: z.array(z.array(z.number())) }).optional(),
});

export type EvalReport = z.infer<typeof evalReport>;
export type EvalRow = z.infer<typeof evalRow>;

export type EvaluationState =
  | { state: "ok"; report: EvalReport; path: string }
  | { state: "absent"; path: string }
  | { state: "invalid"; path: string; message: string };

export function readEvaluation(dir = env().modelDir): EvaluationState {
  const file = path.join(dir, "eval.json");
  if (!existsSync(file)) return { state: "absent", path: file };
  try {
    const parsed = evalReport.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        state: "invalid",
        path: file,
        message: `unexpected shape at ${issue?.path.join(".") || "top level"}: ${issue?.message}`,
      };
    }
    return { state: "ok", report: parsed.data, path: file };
  } catch (e) {
    return { state: "invalid", path: file, message: (e as Error).message };
  }
}
