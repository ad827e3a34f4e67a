/**
 * A judge from a ModelProvider row: the extractive baseline applies its deterministic rule
 * (extractive-judge.ts); any other provider gets the rendered judge prompt verbatim through its raw
 * `complete` path (OpenAI-compatible and FlexOlmo providers: no arena answer template around it), and its
 * streamed reply is read up to MAX_REPLY_CHARS (enough to hold a verdict) and then stopped. A provider
 * without `complete` falls back to its answer path with the prompt as the question and no passages.
 */
import type { FlexOlmo } from "../../engine/moe";
import { type ProviderRow, providerFor } from "../providers/registry";
import { extractiveJudge } from "./extractive-judge";
import type { JudgeFn } from "./runs";

export const MAX_REPLY_CHARS = 2000;
/** Token budget asked of a judge's reply: a verdict is one letter, but some models add a few words. */
export const MAX_REPLY_TOKENS = 256;

export function judgeFromProvider(
  row: ProviderRow,
  opts: { key: Buffer; loadModel: () => Promise<FlexOlmo>; fetch?: typeof fetch },
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
      for await (const piece of reply$) {
        reply += piece;
        if (reply.length >= MAX_REPLY_CHARS) {
          stop.abort();
          break;
        }
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    return reply;
  };
}
