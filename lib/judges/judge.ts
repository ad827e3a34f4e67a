/**
 * A judge from a ModelProvider row: the extractive baseline applies its deterministic rule
 * (extractive-judge.ts); any other provider gets the rendered judge prompt verbatim through its raw
 * `complete` path (OpenAI-compatible and FlexOlmo providers: no arena answer template around it), and its
 * streamed reply is read up to MAX_REPLY_CHARS (enough to hold a verdict) and then stopped. A provider
 * without `complete` falls back to its answer path with the prompt as the question and no passages.
 */

import type { FlexOlmo } from "../../engine/moe";
import type { Db } from "../db/create";
import { type ProviderRow, providerFor } from "../providers/registry";
import type { SecretKey } from "../secrets";
import { extractiveJudge } from "./extractive-judge";
import type { JudgeFn } from "./runs";

export const MAX_REPLY_CHARS = 2000;
/**
 * Token budget asked of a judge's reply: a verdict is one letter and most models stop there, but a reasoning
 * model thinks first (its reasoning counts against the budget on most servers).
 */
export const MAX_REPLY_TOKENS = 1024;
/** Characters of a reasoning model's reasoning kept in front of its reply (its end). */
const REASONING_KEPT = 160;

export function judgeFromProvider(
  row: ProviderRow,
  opts: { key: SecretKey[]; loadModel: () => Promise<FlexOlmo>; fetch?: typeof fetch; db?: Db },
): JudgeFn {
  if (row.kind === "extractive") return async ({ item, swapped }) => extractiveJudge(item, swapped);
  const provider = providerFor(row, { ...opts, label: `Judge ${row.name}` });
  return async ({ prompt, signal }) => {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    let reply = "";
    try {
      const reply$ = provider.complete
        ? provider.complete({ prompt, signal: stop.signal, maxTokens: MAX_REPLY_TOKENS })
        : provider.answer({ question: prompt, passages: [], signal: stop.signal });
      let reasoning = "";
      for await (const piece of reply$) {
        if (typeof piece !== "string" && "moved" in piece) {
          // A bare </think>: the reply so far was reasoning (or, the other way, reasoning was the reply).
          if (piece.moved === "reasoning") [reasoning, reply] = [reasoning + reply, ""];
          else [reply, reasoning] = [reasoning + reply, ""];
          continue;
        }
        if (typeof piece !== "string") {
          // A reasoning model's thoughts are kept (as <think>, which the verdict parser skips) so a run can
          // say when the model spent its whole budget thinking; usage is not needed here.
          if ("reasoning" in piece && reasoning.length < MAX_REPLY_CHARS) reasoning += piece.reasoning;
          continue;
        }
        reply += piece;
        if (reply.length >= MAX_REPLY_CHARS) {
          stop.abort();
          break;
        }
      }
      // Only the end of the reasoning is kept, so the stored start of a reply still shows its answer.
      if (reasoning)
        reply = `<think>${reasoning.length > REASONING_KEPT ? "…" : ""}${reasoning.slice(-REASONING_KEPT)}</think>${reply}`;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    return reply;
  };
}
