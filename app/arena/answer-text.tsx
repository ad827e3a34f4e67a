import type { ReactNode } from "react";

/**
 * Renders model markdown as inert React text: paragraphs, "-"/"*"/"1." list items, "#" headings, **bold**,
 * and citations [n] / [n, m] as buttons. No HTML from the text is ever interpreted (no dangerouslySetInnerHTML):
 * a "<script>" in an answer shows as those characters.
 */
export function AnswerText({
  text,
  passageCount,
  onCite,
  citeLabel,
}: {
  text: string;
  passageCount: number;
  onCite: (n: number) => void;
  citeLabel: (n: number) => string;
}) {
  const blocks = text.split(/\n\s*\n/);
  return (
    <div className="space-y-3 text-sm leading-relaxed">
      {blocks.map((block, bi) => {
        const lines = block.split("\n").filter((l) => l.trim() !== "");
        const items = lines.filter((l) => /^\s*([-*]|\d+[.)])\s+/.test(l));
        const key = `${bi}-${block.length}`;
        if (lines.length > 0 && items.length === lines.length) {
          const ordered = /^\s*\d/.test(lines[0]);
          const List = ordered ? "ol" : "ul";
          return (
            <List key={key} className={ordered ? "list-decimal space-y-1 pl-5" : "list-disc space-y-1 pl-5"}>
              {lines.map((l, li) => (
                <li key={li}>
                  {inline(l.replace(/^\s*([-*]|\d+[.)])\s+/, ""), passageCount, onCite, citeLabel)}
                </li>
              ))}
            </List>
          );
        }
        const heading = /^#{1,6}\s+(.*)$/.exec(block.trim());
        if (heading && lines.length === 1)
          return (
            <p key={key} className="font-semibold">
              {inline(heading[1], passageCount, onCite, citeLabel)}
            </p>
          );
        return (
          <p key={key} className="whitespace-pre-wrap">
            {inline(block, passageCount, onCite, citeLabel)}
          </p>
        );
      })}
    </div>
  );
}

function inline(
  text: string,
  passageCount: number,
  onCite: (n: number) => void,
  citeLabel: (n: number) => string,
): ReactNode[] {
  const out: ReactNode[] = [];
  // Bold spans and bracketed citation lists; everything else is plain text.
  const re = /\*\*([^*]+)\*\*|\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
  let last = 0;
  let k = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) {
      out.push(<strong key={k++}>{m[1]}</strong>);
    } else {
      const nums = m[2].split(/[,;]/).map((s) => Number(s.trim()));
      out.push(
        <span key={k++} className="whitespace-nowrap">
          {nums.map((n) =>
            n >= 1 && n <= passageCount ? (
              <button
                key={n}
                type="button"
                onClick={() => onCite(n)}
                aria-label={citeLabel(n)}
                className="mx-0.5 rounded bg-sky-100 px-1 font-medium text-sky-800 hover:bg-sky-200 dark:bg-sky-900/60 dark:text-sky-200 dark:hover:bg-sky-800"
              >
                [{n}]
              </button>
            ) : (
              <span key={n}>[{n}]</span>
            ),
          )}
        </span>,
      );
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
