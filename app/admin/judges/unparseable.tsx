import type { UnparseableGroup } from "@/lib/judges/parse";

/** Why replies could not be read, with an example of each reason and what the model needs. */
export function Unparseable({ groups }: { groups: UnparseableGroup[] }) {
  const total = groups.reduce((n, g) => n + g.count, 0);
  return (
    <section
      aria-label="Why replies could not be read"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950"
    >
      <p className="font-medium">
        {total} {total === 1 ? "reply" : "replies"} gave no verdict and are left out of the accuracy:
      </p>
      <ul className="space-y-2">
        {groups.map((g) => (
          <li key={g.reason} data-reason={g.reason}>
            <p>
              <strong>{g.count}</strong> · {g.explanation} {g.advice}
            </p>
            <p className="muted mt-1 text-xs">Example reply:</p>
            <pre className="mt-1 max-h-24 overflow-auto rounded bg-white/70 p-2 text-xs break-words whitespace-pre-wrap dark:bg-black/30">
              {g.example || "(empty)"}
            </pre>
          </li>
        ))}
      </ul>
    </section>
  );
}
