/**
 * Reads a streamed chat-completions response (server-sent events) in the dialect of any OpenAI-compatible
 * server, as pieces of answer text, reasoning and token usage. What the dialects differ in, and where each
 * is handled (recordings of each in ./fixtures/, replayed by ./fake-openai-server.ts in the tests):
 *
 * - framing: LF or CRLF line ends, events cut anywhere across network chunks, `: keep-alive` comments
 *   (OpenRouter's ": OPENROUTER PROCESSING"), a final `data: [DONE]` or none: eventsource-parser;
 * - a first chunk with only `{"role":"assistant"}` and empty or null content (OpenAI, vLLM, llama.cpp);
 * - reasoning in `delta.reasoning_content` (DeepSeek, vLLM, llama.cpp --reasoning-format deepseek), in
 *   `delta.reasoning` (OpenRouter, Ollama, newer vLLM), or inline as `<think>…</think>`, or with the opening
 *   `<think>` stripped by the chat template so only `</think>` appears (./think-tags.ts);
 * - usage in a last chunk with `choices: []` (OpenAI, vLLM, Ollama with stream_options.include_usage), in the
 *   chunk that carries finish_reason (llama.cpp, OpenRouter), or as `usage: null` on every chunk (vLLM);
 * - errors after the 200 status: `data: {"error":{...}}` (OpenAI, Ollama, OpenRouter, vLLM),
 *   `data: {"object":"error","message":...}` (older vLLM), an `error:` field line (llama.cpp server),
 *   `event: error`, or `finish_reason: "error"` (OpenRouter).
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { type SplitPiece, ThinkTagSplitter } from "./think-tags";
import { type AnswerPiece, ProviderError } from "./types";

/** Most characters one unfinished event may hold: a hostile or broken server cannot fill memory. */
const MAX_EVENT_CHARS = 1_000_000;

interface Chunk {
  choices?: {
    delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
    text?: string | null;
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string; code?: number | string } | string;
  object?: string;
  message?: string;
}

function errorMessage(value: unknown): string {
  if (typeof value === "string") return value;
  const v = value as { message?: unknown; error?: unknown } | null;
  if (v && typeof v.message === "string") return v.message;
  if (v && v.error !== undefined) return errorMessage(v.error);
  return JSON.stringify(value).slice(0, 200);
}

/**
 * The pieces of one streamed response body, in order. Throws ProviderError("protocol") for a chunk that is
 * not JSON and ProviderError("http") for an error the server reports mid-stream; `redact` cleans messages.
 */
export async function* readChatStream(
  body: NonNullable<Response["body"]>,
  label: string,
  redact: (s: string) => string = (s) => s,
  /** The model is known to start inside its reasoning (its server strips the opening `<think>`). */
  options: { startsInside?: boolean } = {},
): AsyncGenerator<AnswerPiece> {
  const queue: AnswerPiece[] = [];
  let failure: ProviderError | null = null;
  let done = false;
  let ending = false;
  const think = new ThinkTagSplitter(options);
  const piece = (p: SplitPiece): AnswerPiece =>
    p.kind === "text" ? p.text : p.kind === "reasoning" ? { reasoning: p.text } : { moved: p.to };
  const fail = (message: string, code: "http" | "protocol") => {
    failure ??= new ProviderError(redact(message), code);
  };
  const onData = (data: string, event?: string) => {
    if (done || failure) return;
    const trimmed = data.trim();
    if (trimmed === "[DONE]") {
      done = true;
      return;
    }
    if (trimmed === "") return;
    let chunk: Chunk;
    try {
      chunk = JSON.parse(trimmed) as Chunk;
    } catch {
      if (event === "error") return fail(`${label} failed: ${trimmed.slice(0, 200)}`, "http");
      if (ending) return fail(`${label}'s stream broke off in the middle of an event.`, "protocol");
      return fail(`${label} sent a stream chunk that is not JSON.`, "protocol");
    }
    if (chunk.error !== undefined && chunk.error !== null)
      return fail(`${label} failed: ${errorMessage(chunk.error)}`, "http");
    if (chunk.object === "error" || event === "error")
      return fail(`${label} failed: ${errorMessage(chunk)}`, "http");
    for (const choice of chunk.choices ?? []) {
      const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
      if (reasoning) queue.push({ reasoning });
      const content = choice.delta?.content ?? choice.text;
      if (content) for (const p of think.push(content)) queue.push(piece(p));
      if (choice.finish_reason === "error") return fail(`${label} failed while answering.`, "http");
    }
    const u = chunk.usage;
    if (u && (typeof u.prompt_tokens === "number" || typeof u.completion_tokens === "number"))
      queue.push({
        usage: { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 },
      });
  };
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (m: EventSourceMessage) => onData(m.data, m.event),
    onError: (e) => {
      // llama.cpp's server writes errors as an `error:` field, which SSE itself does not define.
      if (e.type === "unknown-field" && e.field === "error") onData(e.value ?? "", "error");
      else if (e.type === "max-buffer-size-exceeded")
        fail(`${label} sent an event of more than ${MAX_EVENT_CHARS} characters.`, "protocol");
    },
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (!done) {
      const { value, done: end } = await reader.read();
      if (end) break;
      parser.feed(value);
      while (queue.length > 0) yield queue.shift() as AnswerPiece;
      if (failure) throw failure;
    }
    // A last event without its blank line (the body just ended) still counts.
    if (!done) {
      ending = true;
      parser.feed("\n\n");
    }
    for (const p of think.flush()) queue.push(piece(p));
    while (queue.length > 0) yield queue.shift() as AnswerPiece;
    if (failure) throw failure;
  } finally {
    await reader.cancel().catch(() => {});
  }
}
