import { type MarkRange, markRanges, splitByRanges } from "@/lib/trace/marks";

/**
 * A document's text with every span of the trace marked where it stands as words (lib/trace/marks.ts);
 * the index's own range of the match when no span does.
 */
export function MarkedText({
  text,
  spans,
  fallback,
}: {
  text: string;
  spans: readonly string[];
  fallback: MarkRange;
}) {
  return (
    <>
      {splitByRanges(text, markRanges(text, spans, fallback)).map((p, i) =>
        p.marked ? (
          <mark key={i} className="rounded bg-amber-300 px-0.5 text-inherit dark:bg-amber-600">
            {p.text}
          </mark>
        ) : (
          p.text
        ),
      )}
    </>
  );
}
