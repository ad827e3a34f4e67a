import type { TraceResult } from "@/engine/trace/trace";
import type { TraceRules } from "@/lib/trace/form-rules";
import { SHADE } from "./levels";

/**
 * What the highlights show, in one sentence with one coverage figure: the share of the text's characters
 * (spaces included) inside a highlighted span, which is exactly what is tinted; then the legend.
 */
export function CoverageSummary({
  result,
  levels,
}: {
  result: Pick<TraceResult, "spans" | "documents" | "coverage" | "timings">;
  levels: TraceRules["levels"];
}) {
  const n = result.spans.length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
  return (
    <>
      <p className="muted text-sm" aria-live="polite" data-testid="trace-summary">
        {n === 0
          ? "No span of this text (of at least the minimum length) occurs verbatim in the chosen corpus domains."
          : `${plural(n, "span")} highlighted, found in ${plural(result.documents.length, "document")}. ${(100 * result.coverage.shown).toFixed(0)}% of the characters, spaces included, are highlighted. Traced in ${Math.round(result.timings.total)} ms.`}
      </p>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Legend">
        {levels.map((l) => (
          <li key={l.level} className="flex items-center gap-1">
            <span aria-hidden="true" className={`inline-block h-3 w-6 rounded-sm ${SHADE[l.level]}`} />
            {l.label}: {l.range}
          </li>
        ))}
        <li className="flex items-center gap-1">
          <span
            aria-hidden="true"
            className="inline-block h-3 w-6 rounded-sm outline outline-2 outline-sky-700"
          />
          spans of the located document
        </li>
      </ul>
    </>
  );
}
