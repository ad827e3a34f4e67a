/**
 * The client of any OpenAI-compatible chat-completions server (OpenAI, OpenRouter, vLLM, Ollama, llama.cpp
 * server, this app's own /v1, ...), streamed with server-sent events; each server's dialect of the stream is
 * read by ./chat-stream.ts. Around each request: the model's concurrency limit (./model-slots.ts), the
 * whole-answer timeout, and retries with backoff on 429 and 5xx answers and refused connections, honouring
 * Retry-After, but only before the first token (after it, a retry would repeat text already shown). The API
 * key is sent only in the Authorization header and is removed from every error message, so it cannot reach
 * a browser through a voided battle.
 */
import { readChatStream } from "./chat-stream";
import { acquireSlot } from "./model-slots";
import { chatMessages } from "./prompt";
import {
  type AnswerPiece,
  type AnswerProvider,
  type AnswerRequest,
  type CompletionRequest,
  ProviderError,
} from "./types";

export interface RetryPolicy {
  /** Retries after the first attempt (0 = none). */
  retries: number;
  /** First backoff; each retry doubles it, with full jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 8000 };

export interface OpenAiClientOptions {
  /** e.g. "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1" (no trailing /chat/completions). */
  baseUrl: string;
  modelName: string;
  apiKey?: string | null;
  /** Whole-answer time limit in milliseconds, waiting for a slot and retries included. */
  timeoutMs: number;
  /** Shown in error messages instead of the URL. */
  label: string;
  maxTokens?: number;
  /** Requests in flight to this model at most, keyed by `slotKey` (the model's id); none when unset. */
  concurrency?: { key: string; limit: number };
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  /** Waits between retries (tests pass a fake clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /**
   * The model's replies start inside the reasoning (its chat template opens `<think>` in the prompt, so only
   * `</think>` appears): read as reasoning from the first token, so it never shows as answer.
   */
  reasoningStartsInside?: boolean;
  /**
   * Called when a reply shows the model's habit differs from `reasoningStartsInside` (a bare `</think>` came
   * first, or a reply assumed to start inside ended without one), so the caller can remember it.
   */
  onReasoningStartLearned?: (startsInside: boolean) => void;
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}

type ChatMessage = { role: "system" | "user"; content: string };

/** HTTP statuses worth another attempt: rate limited, or the server (or a proxy before it) failed. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501);
}

/** Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const v = header.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The delay before retry number `attempt` (1-based): Retry-After when given, else exponential backoff. */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfter: number | null,
  random = Math.random,
): number {
  if (retryAfter !== null) return retryAfter;
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** An attempt that failed in a way another attempt may fix (before any token). */
class RetryableError extends Error {
  constructor(
    readonly error: ProviderError,
    readonly retryAfter: number | null,
  ) {
    super(error.message);
  }
}

/**
 * Answers arena questions with the arena's chat prompt (`answer`), and takes raw prompts for judges
 * (`complete`: the system and user messages exactly as given, temperature 0).
 */
export function openAiProvider(opts: OpenAiClientOptions): AnswerProvider {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? sleepFor;
  const policy = opts.retry ?? DEFAULT_RETRY;
  const redact = (s: string) => (opts.apiKey ? s.split(opts.apiKey).join("[redacted]") : s);
  let startsInside = opts.reasoningStartsInside === true;
  return {
    answer: ({ question, passages, signal }: AnswerRequest) =>
      stream(chatMessages(question, passages), signal, 0.7, opts.maxTokens ?? 1024),
    complete: ({ system, prompt, signal, maxTokens }: CompletionRequest) =>
      stream(
        [
          ...(system ? [{ role: "system" as const, content: system }] : []),
          { role: "user", content: prompt },
        ],
        signal,
        0,
        maxTokens ?? opts.maxTokens ?? 1024,
      ),
  };

  /** One request: the response body once the status is 200, or a (retryable) failure. */
  async function request(body: string, signal: AbortSignal): Promise<NonNullable<Response["body"]>> {
    let res: Response;
    try {
      res = await doFetch(chatCompletionsUrl(opts.baseUrl), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        },
        body,
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const error = new ProviderError(
        `${opts.label} could not be reached: ${redact(cause?.message ?? (e as Error).message ?? String(e))}`,
        "network",
      );
      throw new RetryableError(error, null);
    }
    if (res.ok && res.body) return res.body;
    const text = await res.text().catch(() => "");
    let detail = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
      const m = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message);
      if (m) detail = m.slice(0, 300);
    } catch {
      // not JSON: keep the start of the text
    }
    const error = new ProviderError(
      `${opts.label} answered HTTP ${res.status}${detail ? `: ${redact(detail)}` : ""}`,
      "http",
    );
    if (isRetryableStatus(res.status))
      throw new RetryableError(error, retryAfterMs(res.headers.get("retry-after")));
    throw error;
  }

  async function* stream(
    messages: ChatMessage[],
    signal: AbortSignal,
    temperature: number,
    maxTokens: number,
  ): AsyncGenerator<AnswerPiece> {
    const started = Date.now();
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    const seconds = `${opts.timeoutMs / 1000} s`;
    const stopped = (): ProviderError =>
      timeout.aborted
        ? new ProviderError(`${opts.label} did not finish within ${seconds}.`, "timeout")
        : new ProviderError(`${opts.label} was stopped.`, "aborted");
    let release = () => {};
    if (opts.concurrency) {
      try {
        release = await acquireSlot(opts.concurrency.key, opts.concurrency.limit, combined);
      } catch {
        if (timeout.aborted)
          throw new ProviderError(
            `${opts.label} was busy: no free slot within ${seconds} (it takes ${opts.concurrency.limit} request${opts.concurrency.limit === 1 ? "" : "s"} at a time).`,
            "busy",
          );
        throw stopped();
      }
    }
    const body = JSON.stringify({
      model: opts.modelName,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature,
      max_tokens: maxTokens,
    });
    let tokens = 0;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await request(body, combined);
          for await (const piece of readChatStream(res, opts.label, redact, { startsInside })) {
            if (typeof piece === "string" || "reasoning" in piece) tokens++;
            else if ("moved" in piece) {
              startsInside = piece.moved === "reasoning";
              opts.onReasoningStartLearned?.(startsInside);
            }
            yield piece;
          }
          if (combined.aborted) throw stopped();
          return;
        } catch (e) {
          if (combined.aborted) throw stopped();
          if (!(e instanceof RetryableError)) {
            if (e instanceof ProviderError) throw e;
            // The body broke mid-stream (connection reset): nothing to retry once tokens were shown.
            throw new ProviderError(`${opts.label} broke off: ${redact((e as Error).message)}`, "network");
          }
          if (tokens > 0 || attempt >= policy.retries) {
            if (attempt > 0)
              throw new ProviderError(`${e.error.message} (after ${attempt + 1} attempts)`, e.error.code);
            throw e.error;
          }
          const delay = backoffMs(attempt + 1, policy, e.retryAfter, opts.random);
          const left = opts.timeoutMs - (Date.now() - started);
          if (delay >= left)
            throw new ProviderError(
              `${e.error.message}; ${e.retryAfter !== null ? `it asked to retry after ${Math.ceil(delay / 1000)} s, ` : ""}beyond the ${seconds} limit`,
              e.error.code,
            );
          try {
            await sleep(delay, combined);
          } catch {
            throw stopped();
          }
        }
      }
    } finally {
      release();
    }
  }
}
