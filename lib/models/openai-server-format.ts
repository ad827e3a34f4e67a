/**
 * Translation between OpenAI's chat-completions wire format and FlexOlmo-mini generation. Pure.
 *
 * Chat template (FlexOlmo-mini is a byte-level base model with no special tokens, so messages are
 * rendered into plain text; documents in its training data are separated by a blank line):
 *
 *   <system or developer content>\n\n        (each, in order)
 *   User: <user content>\n\n
 *   Assistant: <assistant content>\n\n
 *   ...
 *   Assistant:                                 (the model continues from here)
 *
 * Generation also stops at "\n\nUser:" (CHAT_STOP), so the model does not write the next user
 * turn. Tokens are bytes: `usage` counts UTF-8 bytes of the prompt and of the completion.
 */
import { z } from "zod";
import type { ExpertWeight } from "./routing";

export const CHAT_STOP = "\n\nUser:";
/** Most generated tokens one request may ask for (the context limit usually ends it sooner). */
export const MAX_COMPLETION_TOKENS = 4096;

const contentPart = z.object({ type: z.literal("text"), text: z.string() });

const message = z.object({
  role: z.enum(["system", "developer", "user", "assistant"], {
    message: 'role must be "system", "developer", "user" or "assistant"',
  }),
  content: z
    .union([z.string(), z.array(contentPart)])
    .nullable()
    .optional(),
  name: z.string().optional(),
});
export type ChatMessage = z.infer<typeof message>;

const maxTokens = z.number().int().min(1).max(MAX_COMPLETION_TOKENS).nullable().optional();

/** The request body. Fields OpenAI defines that this model ignores (e.g. `user`) pass through. */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1, "model is required"),
  messages: z.array(message).min(1, "messages must hold at least one message").max(512),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  stop: z
    .union([z.string().min(1), z.array(z.string().min(1)).max(4)])
    .nullable()
    .optional(),
  seed: z.number().int().min(0).max(0xffffffff).nullable().optional(),
  n: z.literal(1, { message: "only n = 1 is supported" }).nullable().optional(),
  /** Extra: enabled experts (ids); overrides the model name's set. The public expert is always on. */
  experts: z.array(z.string().min(1)).max(64).optional(),
  /** Extra: experts chosen per token and layer (FlexOlmo's k). */
  top_k: z.number().int().min(1).max(64).optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

export function messageText(m: ChatMessage): string {
  if (m.content == null) return "";
  if (typeof m.content === "string") return m.content;
  return m.content.map((p) => p.text).join("");
}

/** Renders messages into the byte prompt (see the template above). */
export function renderChatPrompt(messages: ChatMessage[]): string {
  let out = "";
  for (const m of messages) {
    const text = messageText(m);
    if (m.role === "system" || m.role === "developer") out += `${text}\n\n`;
    else if (m.role === "user") out += `User: ${text}\n\n`;
    else out += `Assistant: ${text}\n\n`;
  }
  return `${out}Assistant:`;
}

export interface GenerationParams {
  prompt: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop: string[];
  seed?: number;
  topK?: number;
  stream: boolean;
  includeUsage: boolean;
}

/** The engine's generation options for a validated request (experts are resolved separately). */
export function toGenerationParams(req: ChatCompletionRequest): GenerationParams {
  const stop = req.stop == null ? [] : typeof req.stop === "string" ? [req.stop] : req.stop;
  return {
    prompt: renderChatPrompt(req.messages),
    temperature: req.temperature ?? undefined,
    topP: req.top_p ?? undefined,
    maxTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
    stop: [...stop, CHAT_STOP],
    seed: req.seed ?? undefined,
    topK: req.top_k,
    stream: req.stream === true,
    includeUsage: req.stream_options?.include_usage === true,
  };
}

export type OpenAIFinishReason = "stop" | "length" | null;

/** Engine finish reasons in OpenAI's terms: the context limit is a length limit. */
export function toFinishReason(reason: string | undefined): OpenAIFinishReason {
  if (reason === "stop") return "stop";
  if (reason === "length" || reason === "context") return "length";
  return null;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usage(promptBytes: number, completionBytes: number): Usage {
  return {
    prompt_tokens: promptBytes,
    completion_tokens: completionBytes,
    total_tokens: promptBytes + completionBytes,
  };
}

export interface ChunkInput {
  id: string;
  created: number;
  model: string;
  delta: { role?: "assistant"; content?: string };
  finishReason?: OpenAIFinishReason;
  /** Extra: the routing of the token(s) behind this delta, heaviest expert first. */
  routing?: ExpertWeight[];
}

/** One `chat.completion.chunk`; the extra `routing` sits on the choice. */
export function completionChunk(c: ChunkInput) {
  return {
    id: c.id,
    object: "chat.completion.chunk" as const,
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        delta: c.delta,
        logprobs: null,
        finish_reason: c.finishReason ?? null,
        ...(c.routing ? { routing: c.routing } : {}),
      },
    ],
  };
}

/** The final chunk with usage and no choices (sent when stream_options.include_usage is set). */
export function usageChunk(c: { id: string; created: number; model: string; usage: Usage }) {
  return {
    id: c.id,
    object: "chat.completion.chunk" as const,
    created: c.created,
    model: c.model,
    choices: [],
    usage: c.usage,
  };
}

/** A whole `chat.completion`; extras: `experts` (enabled) and per-choice mean `routing`. */
export function completion(c: {
  id: string;
  created: number;
  model: string;
  content: string;
  finishReason: OpenAIFinishReason;
  usage: Usage;
  experts: string[];
  routing: ExpertWeight[];
}) {
  return {
    id: c.id,
    object: "chat.completion" as const,
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: c.content, refusal: null },
        logprobs: null,
        finish_reason: c.finishReason,
        routing: c.routing,
      },
    ],
    usage: c.usage,
    experts: c.experts,
  };
}

/** `GET /v1/models` entry. */
export function modelObject(id: string, created: number, extra: Record<string, unknown> = {}) {
  return { id, object: "model" as const, created, owned_by: "lmresearch", ...extra };
}

export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "server_error";

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; code: string | null; param: string | null };
}

export function openAIError(
  message: string,
  type: OpenAIErrorType,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, code, param } };
}

/** The first problem of a failed validation as an OpenAI error body (status 400). */
export function validationError(issues: { path: PropertyKey[]; message: string }[]): OpenAIErrorBody {
  const first = issues[0];
  const param = first && first.path.length > 0 ? first.path.map(String).join(".") : null;
  const message = first ? (param ? `${param}: ${first.message}` : first.message) : "Invalid request";
  return openAIError(message, "invalid_request_error", "invalid_request", param);
}
