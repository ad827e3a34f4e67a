import type { ArenaPassage } from "@/lib/providers/types";

/** The numbered passages both models were given, folded away by default (arena battles and calibration pairs). */
export function PassageList({
  passages,
  className,
}: {
  passages: readonly ArenaPassage[];
  className: string;
}) {
  return (
    <details className={className}>
      <summary className="cursor-pointer text-sm font-medium">
        Retrieved passages ({passages.length}) given to both models
      </summary>
      <ol className="mt-3 space-y-3 text-sm">
        {passages.map((p) => (
          <li key={p.n}>
            <p className="font-medium break-words">
              [{p.n}]{" "}
              {p.paper.url ? (
                <a
                  className="text-sky-700 underline dark:text-sky-400"
                  href={p.paper.url}
                  rel="noreferrer noopener"
                  target="_blank"
                >
                  {p.paper.title}
                </a>
              ) : (
                p.paper.title
              )}
            </p>
            <p className="muted text-xs">
              {p.paper.authors.join(", ")} · {p.paper.year}
              {p.paper.venue ? ` · ${p.paper.venue}` : ""}
            </p>
            <p className="mt-1 line-clamp-4">{p.text}</p>
          </li>
        ))}
      </ol>
    </details>
  );
}
