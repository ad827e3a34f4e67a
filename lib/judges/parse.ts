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

/**
 * The reply without reasoning: `<think>…</think>` blocks, and everything up to a `</think>` that has no
 * opening tag (DeepSeek-R1 served without a reasoning parser: its chat template already opened the block).
 */
function withoutReasoning(reply: string): string {
  const text = reply.replace(/<think>[\s\S]*?<\/think>/gi, " ");
  const close = text.search(/<\/think>/i);
  return close >= 0 && !/<think>/i.test(text.slice(0, close)) ? text.slice(close + "</think>".length) : text;
}

export function parseVerdict(reply: string): Verdict | null {
  const text = withoutReasoning(reply);
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

/** Why a reply gave no verdict. */
export type UnparseableReason = "error" | "empty" | "reasoning-only" | "not-text" | "no-letter";

export interface ReplyDiagnosis {
  reason: UnparseableReason;
  /** What went wrong, in a sentence. */
  explanation: string;
  /** What the model needs (a prompt format, a chat model, more tokens). */
  advice: string;
}

const DIAGNOSES: Record<UnparseableReason, Omit<ReplyDiagnosis, "reason">> = {
  error: {
    explanation: "The judge model failed before replying (the stored reply holds its error).",
    advice: "Check the model's endpoint, timeout and limits on Admin › Models, then start the run again.",
  },
  empty: {
    explanation: "The model replied with nothing.",
    advice:
      "A base (not instruction-tuned) model may end its reply at once; use a chat model, and keep the closing line that asks for one letter.",
  },
  "reasoning-only": {
    explanation: "The model spent its whole reply reasoning and stopped before giving a verdict.",
    advice:
      "Reasoning models need a larger token budget or a prompt that asks for the verdict first (e.g. 'Start your reply with [[A]] or [[B]]'); a non-reasoning model answers within the budget.",
  },
  "not-text": {
    explanation:
      "The reply is not readable text (stray bytes, replacement characters or fragments of words).",
    advice:
      "This is what a tiny byte-level model such as the FlexOlmo-mini demo writes: it cannot follow a judging prompt. Judge with an instruction-tuned model registered on Admin › Models.",
  },
  "no-letter": {
    explanation: "The reply is text, but names neither answer with a standalone A or B.",
    advice:
      "Ask for an explicit format the parser reads first, e.g. end the prompt with 'Reply with exactly [[A]] or [[B]].'; a verdict such as 'Answer: B' or '**A**' is read too.",
  },
};

/** Share of a text's characters that are letters, digits, whitespace or common punctuation. */
function readableShare(text: string): number {
  if (text.length === 0) return 1;
  const ok = text.match(/[\p{L}\p{N}\s.,;:!?'"()[\]*\-–—/]/gu)?.length ?? 0;
  return ok / text.length;
}

/** English words of one or two letters; other such fragments are a sign of byte-level gibberish. */
const SHORT_WORDS = new Set(
  "a i an as at be by do go he hi if in is it me my no of oh ok on or so to up us we vs eg ie".split(" "),
);

/**
 * Share of whitespace-separated words that look like words: letters only (with ' and -), a vowel, at most
 * 20 letters, and when one or two letters long, an English short word ("the sa spe in s" has two that are not).
 */
function wordShare(text: string): number {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return 1;
  const wordy = words.filter((w) => {
    const core = w.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
    if (core.length === 0) return /^[\p{N}\p{P}]+$/u.test(w); // numbers and punctuation are fine
    if (core.length > 20 || !/^[\p{L}'-]+$/u.test(core)) return false;
    if (!/\p{Script=Latin}/u.test(core)) return true;
    if (core.length <= 2) return SHORT_WORDS.has(core.toLowerCase());
    return /[aeiouy]/i.test(core);
  });
  return wordy.length / words.length;
}

/**
 * Why a reply has no verdict (null when parseVerdict reads one). Replies stored as "[error] ..." are judge
 * failures; "<think>…</think>" is reasoning a reasoning model wrote (lib/judges/judge.ts keeps its end).
 */
export function diagnoseReply(reply: string): ReplyDiagnosis | null {
  if (reply.startsWith("[error]")) return { reason: "error", ...DIAGNOSES.error };
  if (parseVerdict(reply) !== null) return null;
  const hadReasoning = /<\/?think>/i.test(reply);
  const text = withoutReasoning(reply)
    .replace(/<think>[\s\S]*$/i, " ") // reasoning cut off before its end
    .replace(/\s+/g, " ")
    .trim();
  let reason: UnparseableReason;
  if (text === "") reason = hadReasoning ? "reasoning-only" : "empty";
  else if (text.includes("\uFFFD") || readableShare(text) < 0.9 || wordShare(text) < 0.85)
    reason = "not-text";
  else reason = "no-letter";
  return { reason, ...DIAGNOSES[reason] };
}

export interface UnparseableGroup extends ReplyDiagnosis {
  count: number;
  /** The start of one such reply, as the model wrote it. */
  example: string;
}

/** Groups unparseable replies by reason, most frequent first, each with an example. Time: O(total length). */
export function diagnoseReplies(replies: Iterable<string>, exampleChars = 240): UnparseableGroup[] {
  const groups = new Map<UnparseableReason, UnparseableGroup>();
  for (const reply of replies) {
    const d = diagnoseReply(reply);
    if (!d) continue;
    const g = groups.get(d.reason);
    if (g) g.count++;
    else groups.set(d.reason, { ...d, count: 1, example: reply.slice(0, exampleChars) });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
