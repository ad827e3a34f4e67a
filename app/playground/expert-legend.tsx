"use client";

import { useMemo } from "react";
import { expertColor } from "../components/expert-colors";
import type { PlaygroundExpert } from "./playground-form";
import type { Piece } from "./use-generation";

/** Each expert's colour and the number of generated tokens on which it weighed most. */
export function ExpertLegend({
  idPrefix,
  experts,
  pieces,
}: {
  idPrefix: string;
  experts: PlaygroundExpert[];
  pieces: Piece[];
}) {
  const topCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const p of pieces) {
      const top = p.routing[0]?.id;
      if (top) counts.set(top, (counts.get(top) ?? 0) + 1);
    }
    return counts;
  }, [pieces]);
  return (
    <section className="card" aria-labelledby={`${idPrefix}-legend`}>
      <h2 id={`${idPrefix}-legend`} className="mb-2 text-base font-semibold">
        Expert colours
      </h2>
      <ul aria-label="Expert colours" className="space-y-1 text-sm">
        {experts.map((x, i) => (
          <li key={x.id} className="flex items-center gap-2">
            <span
              aria-hidden="true"
              className="inline-block size-3 rounded-sm"
              style={{ backgroundColor: expertColor(i) }}
            />
            <span className="flex-1">{x.domain}</span>
            <span className="muted tabular-nums" data-testid={`top-count-${x.id}`}>
              {topCounts.get(x.id) ?? 0} tokens
            </span>
          </li>
        ))}
      </ul>
      <p className="muted mt-2 text-xs">Tokens on which each expert weighed most.</p>
    </section>
  );
}
