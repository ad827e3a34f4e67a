/** The extractive baseline: quotes the retrieved sentences most relevant to the question (deterministic). */
import { extractiveAnswer } from "../retrieval";
import type { AnswerProvider } from "./types";

export function extractiveProvider(): AnswerProvider {
  return {
    async *answer({ question, passages, signal }) {
      const text = extractiveAnswer(question, passages);
      // Streamed a line at a time so it arrives like the other side's answer.
      for (const piece of text.split(/(?<=\n)/)) {
        if (signal.aborted) return;
        yield piece;
      }
    },
  };
}
