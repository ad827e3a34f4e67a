/** What every arena contender implements: an answer to a question from numbered passages, streamed. */
import type { PaperMeta } from "../retrieval/search";

/** A retrieved passage as the models see it: [n] is its citation number (1-based, in retrieval order). */
export interface ArenaPassage {
  n: number;
  passageId: string;
  text: string;
  /** The paper it comes from; `url` is where its citation links (arXiv, DOI, or the imported URL). */
  paper: PaperMeta;
}

export interface AnswerRequest {
  question: string;
  passages: readonly ArenaPassage[];
  /** Aborted when the battle is given up (client gone, other side failed) or the provider timed out. */
  signal: AbortSignal;
}

/** A raw completion: the prompt reaches the model as given, without the arena's answer template. */
export interface CompletionRequest {
  /** An optional system message (chat models) or preamble (completion models). */
  system?: string;
  prompt: string;
  signal: AbortSignal;
  /** Upper bound on the reply's length in tokens. */
  maxTokens?: number;
}

/** Tokens a server reports for one answer (its own tokenizer's count). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * One piece of a streamed answer: answer text (a string), reasoning the model wrote before or while
 * answering (reasoning models; never part of the answer), the token usage the server reported (the last
 * report wins), or `moved`: everything given so far as answer was reasoning (`to: "reasoning"`; a server
 * that strips the opening `<think>` shows it only at `</think>`), or everything given so far as reasoning
 * was answer (`to: "answer"`), see ./think-tags.ts.
 */
export type AnswerPiece =
  | string
  | { reasoning: string }
  | { usage: TokenUsage }
  | { moved: "reasoning" | "answer" };

export interface AnswerProvider {
  /** Yields the answer's markdown text (and any reasoning and usage) in order; throws ProviderError on failure. */
  answer(request: AnswerRequest): AsyncIterable<AnswerPiece>;
  /**
   * Optional raw path used by judges: yields the reply to `prompt` (and `system`) verbatim, deterministic
   * sampling where the provider allows it. Providers without it (the extractive baseline) cannot take a prompt.
   */
  complete?(request: CompletionRequest): AsyncIterable<AnswerPiece>;
}

/** A provider failed or timed out; the message is safe to show (it never holds an API key). */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly code: "timeout" | "http" | "network" | "protocol" | "unavailable" | "aborted" | "busy",
  ) {
    super(message);
    this.name = "ProviderError";
  }
}
