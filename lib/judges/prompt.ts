/** The judge prompt: a template with {question}, {responseA}, {responseB}, {citationsA}, {citationsB}. Pure. */
import { z } from "zod";

export const DEFAULT_JUDGE_PROMPT = `You are judging two answers to a researcher's question about the scientific literature.
Prefer the answer that is correct, directly answers the question, and supports its claims with the cited passages.

Question:
{question}

Answer A:
{responseA}

Answer B:
{responseB}

Which answer is better? Reply with exactly one letter: "A" or "B". Do not explain.`;

export const PLACEHOLDERS = [
  "{question}",
  "{responseA}",
  "{responseB}",
  "{citationsA}",
  "{citationsB}",
] as const;

export const judgePromptSchema = z
  .string()
  .trim()
  .min(1, "Enter a prompt")
  .max(20_000, "The prompt has at most 20,000 characters")
  .refine(
    (p) => p.includes("{question}") && p.includes("{responseA}") && p.includes("{responseB}"),
    "The prompt must contain {question}, {responseA} and {responseB}",
  );

export interface PromptItem {
  question: string;
  responseA: string;
  responseB: string;
  citationA: { concise_authors: string; content: string }[];
  citationB: { concise_authors: string; content: string }[];
}

function citations(list: PromptItem["citationA"]): string {
  return list.length === 0
    ? "(none)"
    : list.map((c, i) => `[${i + 1}] ${c.concise_authors}: ${c.content}`).join("\n");
}

/** Fills the template; `swapped` shows answer B in A's place and the other way round. */
export function renderJudgePrompt(template: string, item: PromptItem, swapped: boolean): string {
  const [a, b] = swapped ? [item.responseB, item.responseA] : [item.responseA, item.responseB];
  const [ca, cb] = swapped ? [item.citationB, item.citationA] : [item.citationA, item.citationB];
  const values: Record<string, string> = {
    "{question}": item.question,
    "{responseA}": a,
    "{responseB}": b,
    "{citationsA}": citations(ca),
    "{citationsB}": citations(cb),
  };
  // One pass, so a placeholder inside an answer is not substituted again.
  return template.replace(/\{(question|responseA|responseB|citationsA|citationsB)\}/g, (m) => values[m] ?? m);
}
