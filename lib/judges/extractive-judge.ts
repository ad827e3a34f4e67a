/**
 * The extractive baseline as a judge, so judge evaluation works offline. Deterministic rule: the two answers
 * (as shown) are the documents of a BM25 index (k1 1.2, b 0.75); the query is the question plus the content of
 * every passage either answer cites. The answer with the higher score is preferred; on equal scores the
 * first shown ("A") is, which the swapped pass then reveals as a position inconsistency. Replies "A" or "B".
 */
import { buildBm25Index, DEFAULT_BM25, searchBm25 } from "../retrieval/bm25";
import { tokenize } from "../retrieval/tokenize";
import type { PromptItem } from "./prompt";

export function extractiveJudgeScores(item: PromptItem, swapped: boolean): [number, number] {
  const [a, b] = swapped ? [item.responseB, item.responseA] : [item.responseA, item.responseB];
  const index = buildBm25Index([tokenize(a), tokenize(b)], DEFAULT_BM25);
  const query = tokenize(
    [item.question, ...item.citationA.map((c) => c.content), ...item.citationB.map((c) => c.content)].join(
      "\n",
    ),
  );
  const scores: [number, number] = [0, 0];
  for (const hit of searchBm25(index, query, 2)) scores[hit.doc] = hit.score;
  return scores;
}

export function extractiveJudge(item: PromptItem, swapped: boolean): "A" | "B" {
  const [a, b] = extractiveJudgeScores(item, swapped);
  return b > a ? "B" : "A";
}
