import type { ArenaPassage } from "@/lib/providers/types";

/**
 * The passage a clicked citation [n] points to: title, authors, year, venue, the passage, and a link to
 * the paper when it has one. One panel for arena battles and calibration pairs alike.
 */
export function CitedPassage({
  passage,
  onClose,
  className = "card",
}: {
  passage: ArenaPassage;
  onClose: () => void;
  className?: string;
}) {
  const { paper } = passage;
  return (
    <aside
      aria-label={`Cited passage ${passage.n}`}
      aria-live="polite"
      className={`${className} min-w-0 space-y-2 border-sky-300 dark:border-sky-800`}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-semibold break-words">
            [{passage.n}] {paper.title}
          </p>
          <p className="muted text-sm break-words">
            {paper.authors.join(", ")} · {paper.year}
            {paper.venue ? ` · ${paper.venue}` : ""}
          </p>
        </div>
        <button type="button" className="btn-secondary px-2 py-1 text-xs" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="text-sm leading-relaxed whitespace-pre-wrap break-words">{passage.text}</p>
      {paper.url && (
        <a
          className="text-sm text-sky-700 underline break-all dark:text-sky-400"
          href={paper.url}
          rel="noreferrer noopener"
          target="_blank"
        >
          Open the paper
        </a>
      )}
    </aside>
  );
}
