/** The arena prompt: the numbered passages, then the question, asking for an answer that cites [n]. */
import type { ArenaPassage } from "./types";

export const SYSTEM_PROMPT =
  "You are a careful research assistant. Answer the question using only the numbered passages from the " +
  "scientific literature below. Cite every claim with the number of its passage in square brackets, like [1] " +
  "or [2][3]. If the passages do not answer the question, say so. Do not say which model or company you are.";

function passageBlock(p: ArenaPassage): string {
  return `[${p.n}] ${p.paper.title} (${p.paper.authors.join(", ")}, ${p.paper.year})\n${p.text}`;
}

/**
 * What the models are told when the collection holds nothing relevant (retrieval's relevance floor
 * rejected every passage): to say so first, and to cite nothing rather than papers that only share a word.
 */
export const NOTHING_RELEVANT_NOTE =
  "No passage of the literature collection is relevant to this question. Begin your answer by saying plainly " +
  "that the collection holds nothing on it; then answer from general knowledge if you can, without citing " +
  "any passage or inventing references.";

/** The user message of the chat prompt: passages, then the question. */
export function userPrompt(question: string, passages: readonly ArenaPassage[]): string {
  if (passages.length === 0) return `${NOTHING_RELEVANT_NOTE}\n\nQuestion: ${question}\n\nAnswer:`;
  const blocks = passages.map(passageBlock).join("\n\n");
  return `Passages:\n\n${blocks}\n\nQuestion: ${question}\n\nAnswer with citations [n]:`;
}

export function chatMessages(question: string, passages: readonly ArenaPassage[]) {
  return [
    { role: "system" as const, content: SYSTEM_PROMPT },
    { role: "user" as const, content: userPrompt(question, passages) },
  ];
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) so a multi-byte character is not cut.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/**
 * A prompt for a small byte-level model whose whole context is `maxBytes` bytes: the top passage (cut to fit)
 * then the question (cut if it alone is too long), ending with "Answer:" so the model continues there.
 */
export function compactPrompt(question: string, passages: readonly ArenaPassage[], maxBytes: number): string {
  const tail = `\nQuestion: ${truncateUtf8(question.replace(/\s+/g, " ").trim(), Math.floor(maxBytes / 2))}\nAnswer:`;
  const room = maxBytes - Buffer.byteLength(tail);
  const top = passages[0];
  if (!top || room < 24) return truncateUtf8(tail.trimStart(), maxBytes);
  const head = truncateUtf8(`[1] ${top.text.replace(/\s+/g, " ")}`, room);
  return `${head}${tail}`;
}
