/**
 * In place of a page's corpus tools when the FM-index cannot be reached: the reason, as an alert. The reason
 * is written for anyone (lib/engine/fm.ts keeps server paths out of it); commands in it, `like this`, are set
 * as code.
 */
export function IndexUnavailable({ problem }: { problem: string | null }) {
  const parts = (problem ?? "").split("`");
  return (
    <div className="card" role="alert">
      <p className="font-medium">The corpus index is not available.</p>
      <p className="muted mt-1 break-words text-sm">
        {parts.map((part, i) =>
          // Odd pieces were between backticks (an unpaired last one is shown as text).
          i % 2 === 1 && i < parts.length - 1 ? (
            <code key={i} className="rounded bg-black/5 px-1 dark:bg-white/10">
              {part}
            </code>
          ) : (
            <span key={i}>{part}</span>
          ),
        )}
      </p>
    </div>
  );
}
