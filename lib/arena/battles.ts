/**
 * A battle's life: created with its passages and two sampled contenders (status "streaming"), both answers
 * streamed at once, then stored together ("answered") or not at all ("voided", with the reason). Answers are
 * written in one update only after both finished, so a failed or interrupted battle never holds half an answer.
 */
import { z } from "zod";
import type { Db } from "../db/create";
import { log } from "../log";
import { type AnswerProvider, type ArenaPassage, ProviderError } from "../providers/types";
import type { BattleEvent, Side } from "./battle-events";
import { revealedModelName } from "./flagging";
import { type Candidate, pairKey, samplePair } from "./pairs";

export const MAX_QUESTION_CHARS = 4000;
/** Longest answer kept; a provider that goes past it fails the battle rather than filling the database. */
export const MAX_ANSWER_CHARS = 20_000;

export const questionSchema = z
  .string({ message: "Ask a question." })
  .trim()
  .min(1, "Ask a question: it cannot be empty.")
  .max(MAX_QUESTION_CHARS, `A question has at most ${MAX_QUESTION_CHARS.toLocaleString("en")} characters.`);

/** Battles per unordered pair of models so far (voided ones excluded), for pair sampling. */
export async function pairBattleCounts(db: Db): Promise<Map<string, number>> {
  const groups = await db.battle.groupBy({
    by: ["modelAId", "modelBId"],
    where: { status: { not: "voided" } },
    _count: { _all: true },
  });
  const out = new Map<string, number>();
  for (const g of groups) {
    const k = pairKey(g.modelAId, g.modelBId);
    out.set(k, (out.get(k) ?? 0) + g._count._all);
  }
  return out;
}

export async function createBattle(
  db: Db,
  input: {
    userId: string;
    question: string;
    passages: ArenaPassage[];
    candidates: Candidate[];
    subject?: string;
    random?: () => number;
  },
): Promise<{ id: string; modelAId: string; modelBId: string }> {
  const [modelAId, modelBId] = samplePair(input.candidates, await pairBattleCounts(db), input.random);
  const battle = await db.battle.create({
    data: {
      userId: input.userId,
      question: input.question,
      passages: JSON.stringify(input.passages),
      modelAId,
      modelBId,
      subject: input.subject,
      status: "streaming",
    },
    select: { id: true },
  });
  return { id: battle.id, modelAId, modelBId };
}

export type { BattleEvent, Side };

/** Longest reasoning kept per answer; longer reasoning is cut (it is shown folded, for reading). */
export const MAX_REASONING_CHARS = 50_000;

/** Token usage (as the model's server reported it) and latency of one answer; null when unknown. */
export interface AnswerStats {
  promptTokens: number | null;
  completionTokens: number | null;
  /** From sending the request to the first piece of answer or reasoning. */
  firstTokenMs: number | null;
  /** From sending the request to the answer's end. */
  latencyMs: number | null;
}

const emptyStats = (): AnswerStats => ({
  promptTokens: null,
  completionTokens: null,
  firstTokenMs: null,
  latencyMs: null,
});

/**
 * Streams both answers concurrently through `emit`, then stores them. Either side failing, timing out or
 * giving an empty answer, or `signal` aborting (the asker left), stops the other side and voids the battle.
 * `names` are all registered model names, for the anonymity check (flagging).
 */
export async function runBattle(
  db: Db,
  input: {
    battleId: string;
    question: string;
    passages: readonly ArenaPassage[];
    providers: [AnswerProvider, AnswerProvider];
    names: readonly string[];
    signal: AbortSignal;
    emit: (event: BattleEvent) => void;
    now?: () => Date;
    /** Milliseconds since some origin, for latencies (tests pass a fake clock). */
    clock?: () => number;
  },
): Promise<"answered" | "voided"> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  input.signal.addEventListener("abort", onAbort, { once: true });
  const texts = ["", ""];
  const reasoning = ["", ""];
  const stats: AnswerStats[] = [emptyStats(), emptyStats()];
  const sides: Side[] = ["a", "b"];
  const label = (i: number) => `Model ${sides[i].toUpperCase()}`;
  const clock = input.clock ?? Date.now;
  const started = clock();
  const run = async (i: number) => {
    for await (const piece of input.providers[i].answer({
      question: input.question,
      passages: input.passages,
      signal: stop.signal,
    })) {
      if (stop.signal.aborted) throw new ProviderError(`${label(i)} was stopped.`, "aborted");
      if (typeof piece !== "string" && "usage" in piece) {
        stats[i].promptTokens = piece.usage.promptTokens;
        stats[i].completionTokens = piece.usage.completionTokens;
        continue;
      }
      stats[i].firstTokenMs ??= clock() - started;
      if (typeof piece !== "string" && "moved" in piece) {
        // The server stripped the opening <think>: what streamed as answer was reasoning (or, for a model
        // read as reasoning from the start, the other way round).
        if (piece.moved === "reasoning") {
          if (texts[i] !== "") input.emit({ type: "retracted", side: sides[i] });
          else if (reasoning[i] === "") input.emit({ type: "thinking", side: sides[i] });
          reasoning[i] = (reasoning[i] + texts[i]).slice(0, MAX_REASONING_CHARS);
          texts[i] = "";
        } else if (reasoning[i] !== "") {
          texts[i] = reasoning[i] + texts[i];
          reasoning[i] = "";
          input.emit({ type: "chunk", side: sides[i], text: texts[i] });
        }
        continue;
      }
      if (typeof piece !== "string") {
        if (reasoning[i] === "") input.emit({ type: "thinking", side: sides[i] });
        if (reasoning[i].length < MAX_REASONING_CHARS)
          reasoning[i] = (reasoning[i] + piece.reasoning).slice(0, MAX_REASONING_CHARS);
        continue;
      }
      texts[i] += piece;
      if (texts[i].length > MAX_ANSWER_CHARS)
        throw new ProviderError(`${label(i)} wrote more than ${MAX_ANSWER_CHARS} characters.`, "protocol");
      input.emit({ type: "chunk", side: sides[i], text: piece });
    }
    if (stop.signal.aborted) throw new ProviderError(`${label(i)} was stopped.`, "aborted");
    if (texts[i].trim() === "")
      throw new ProviderError(
        reasoning[i]
          ? `${label(i)} only reasoned and gave no answer (its token limit may be too low for a reasoning model).`
          : `${label(i)} gave an empty answer.`,
        "protocol",
      );
    stats[i].latencyMs = clock() - started;
    input.emit({ type: "done", side: sides[i] });
  };
  try {
    await Promise.all([run(0), run(1)]);
  } catch (e) {
    stop.abort();
    const message = input.signal.aborted
      ? "The battle was stopped before both answers finished."
      : e instanceof ProviderError
        ? e.message
        : `A model failed: ${(e as Error).message}`;
    if (!(e instanceof ProviderError))
      log("arena").error(
        { battleId: input.battleId, err: (e as Error).stack ?? String(e) },
        "a battle failed",
      );
    await db.battle.updateMany({
      where: { id: input.battleId, status: "streaming" },
      data: { status: "voided", error: message },
    });
    input.emit({ type: "void", message: `${message} This battle is void; ask again to start a new one.` });
    return "voided";
  } finally {
    input.signal.removeEventListener("abort", onAbort);
  }
  const context = [
    input.question,
    ...input.passages.flatMap((p) => [p.text, p.paper.title, p.paper.venue ?? ""]),
  ].join("\n");
  const revealed =
    revealedModelName(texts[0], input.names, context) ?? revealedModelName(texts[1], input.names, context);
  const updated = await db.battle.updateMany({
    where: { id: input.battleId, status: "streaming" },
    data: {
      status: "answered",
      answerA: texts[0],
      answerB: texts[1],
      reasoningA: reasoning[0] || null,
      reasoningB: reasoning[1] || null,
      promptTokensA: stats[0].promptTokens,
      promptTokensB: stats[1].promptTokens,
      completionTokensA: stats[0].completionTokens,
      completionTokensB: stats[1].completionTokens,
      firstTokenMsA: stats[0].firstTokenMs,
      firstTokenMsB: stats[1].firstTokenMs,
      latencyMsA: stats[0].latencyMs,
      latencyMsB: stats[1].latencyMs,
      answeredAt: (input.now ?? (() => new Date()))(),
      flagged: revealed !== null,
      flagReason: revealed ? `An answer names "${revealed}".` : null,
    },
  });
  if (updated.count === 0) {
    input.emit({ type: "void", message: "This battle was already finished or voided." });
    return "voided";
  }
  input.emit({ type: "answered" });
  return "answered";
}
