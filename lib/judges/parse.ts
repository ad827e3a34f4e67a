/**
 * Reading a judge's verdict from its reply. Pure.
 *
 * Rule: an explicit verdict ("[[A]]", "Answer: B", "Verdict - A", "Output: B", "**A**") wins; otherwise the
 * first standalone capital A or B token, skipping the article "A" when a lowercase word follows it
 * ("A better answer is B" -> B, but "A is better" -> A). No such token: unparseable (null).
 */
export type Verdict = "A" | "B";

const EXPLICIT =
  /(?:\[\[\s*([AB])\s*\]\]|\b(?:answer|verdict|output|choice|winner|preferred|final)\b[^A-Za-z0-9\n]{0,6}(?:is\s+|:\s*)?(?:answer\s+|response\s+)?\**\s*([AB])\b(?![a-z])|\*\*\s*([AB])\s*\*\*)/i;

const VERB_AFTER_A =
  /^(is|was|wins|won|and|or|because|since|seems|provides|gives|has|answers|offers|clearly|does)\b/;

export function parseVerdict(reply: string): Verdict | null {
  const text = reply.replace(/<think>[\s\S]*?<\/think>/gi, " ");
  const explicit = EXPLICIT.exec(text);
  const ex = explicit && (explicit[1] ?? explicit[2] ?? explicit[3]);
  if (ex) return ex.toUpperCase() as Verdict;
  for (const m of text.matchAll(/(?<![A-Za-z0-9_])([AB])(?![A-Za-z0-9_])/g)) {
    const letter = m[1] as Verdict;
    if (letter === "A") {
      const rest = text.slice((m.index ?? 0) + 1);
      const next = /^\s+([a-z]+)/.exec(rest)?.[1];
      // "A better answer", "a model": the article, not a verdict.
      if (next && !VERB_AFTER_A.test(next)) continue;
    }
    return letter;
  }
  return null;
}
