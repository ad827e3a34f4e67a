/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp server, this app's own /v1, ...),
 * streamed with server-sent events. The API key is sent only in the Authorization header and is removed from
 * every error message, so it cannot reach a browser through a voided battle.
 */
import { chatMessages } from "./prompt";
import { type AnswerProvider, type AnswerRequest, type CompletionRequest, ProviderError } from "./types";

export interface OpenAiProviderOptions {
  /** e.g. "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1" (no trailing /chat/completions). */
  baseUrl: string;
  modelName: string;
  apiKey?: string | null;
  /** Whole-answer time limit in milliseconds. */
  timeoutMs: number;
  /** Shown in error messages instead of the URL. */
  label: string;
  maxTokens?: number;
  fetch?: typeof fetch;
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}

type ChatMessage = { role: "system" | "user"; content: string };

/**
 * Answers arena questions with the arena's chat prompt (`answer`), and takes raw prompts for judges
 * (`complete`: the system and user messages exactly as given, temperature 0).
 */
export function openAiProvider(opts: OpenAiProviderOptions): AnswerProvider {
  const doFetch = opts.fetch ?? fetch;
  const redact = (s: string) => (opts.apiKey ? s.split(opts.apiKey).join("[redacted]") : s);
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

  async function* stream(
    messages: ChatMessage[],
    signal: AbortSignal,
    temperature: number,
    maxTokens: number,
  ): AsyncGenerator<string> {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    const fail = (e: unknown): never => {
      if (e instanceof ProviderError) throw e;
      if (timeout.aborted)
        throw new ProviderError(`${opts.label} did not finish within ${opts.timeoutMs / 1000} s.`, "timeout");
      if (signal.aborted) throw new ProviderError(`${opts.label} was stopped.`, "aborted");
      throw new ProviderError(
        `${opts.label} could not be reached: ${redact((e as Error).message ?? String(e))}`,
        "network",
      );
    };
    let res: Response;
    try {
      res = await doFetch(chatCompletionsUrl(opts.baseUrl), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: opts.modelName,
          messages,
          stream: true,
          temperature,
          max_tokens: maxTokens,
        }),
        signal: combined,
      });
    } catch (e) {
      return fail(e);
    }
    if (!res.ok || !res.body) {
      const body = await res.text().catch(() => "");
      throw new ProviderError(
        `${opts.label} answered HTTP ${res.status}${body ? `: ${redact(body.slice(0, 200))}` : ""}`,
        "http",
      );
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let done = false;
    try {
      while (!done) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += value;
        let nl = buffer.indexOf("\n");
        while (nl >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf("\n");
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") {
            done = true;
            break;
          }
          const text = deltaText(data, opts.label);
          if (text) yield text;
        }
      }
    } catch (e) {
      await reader.cancel().catch(() => {});
      return fail(e);
    }
    if (!done && buffer.trim().startsWith("data:")) {
      const data = buffer.trim().slice(5).trim();
      if (data !== "[DONE]") {
        const text = deltaText(data, opts.label);
        if (text) yield text;
      }
    }
    await reader.cancel().catch(() => {});
  }
}

/** The text of one streamed chunk; an `error` object in the stream fails the answer. */
function deltaText(data: string, label: string): string {
  let chunk: {
    choices?: { delta?: { content?: string | null }; text?: string }[];
    error?: { message?: string };
  };
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new ProviderError(`${label} sent a stream chunk that is not JSON.`, "protocol");
  }
  if (chunk.error) throw new ProviderError(`${label} failed: ${chunk.error.message ?? "error"}`, "http");
  const choice = chunk.choices?.[0];
  return choice?.delta?.content ?? choice?.text ?? "";
}
