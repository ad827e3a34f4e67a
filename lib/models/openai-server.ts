import "server-only";
import { randomInt, randomUUID } from "node:crypto";
import { z } from "zod";
import type { PublicUser } from "../auth/accounts";
import { AuthError } from "../auth/session";
import { type Access, authorize, readJson } from "../http";
import { HttpError } from "../http-error";
import { eventStreamResponse } from "../streams/event-stream";
import { findConfiguration, resolveExperts } from "./configurations";
import { modelConfigurations, modelService, startGeneration } from "./flexolmo";
import {
  chatCompletionRequestSchema,
  completion,
  completionChunk,
  modelObject,
  type OpenAIErrorType,
  openAIError,
  toFinishReason,
  toGenerationParams,
  usage,
  usageChunk,
  validationError,
} from "./openai-server-format";

/** Callers outside the app need an API key with the `models` scope; signed-in users may call too. */
export const OPENAI_ACCESS: Access = { apiKey: "models", orSession: "user" };

const MAX_BODY_BYTES = 1_000_000;

function errorJson(status: number, body: unknown): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

function typeFor(status: number): OpenAIErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** Any thrown error as an OpenAI-style `{error: {message, type, code, param}}` response. */
export function openAIErrorResponse(e: unknown): Response {
  if (e instanceof AuthError) {
    const code = e.code ?? (e.status === 401 ? "missing_api_key" : "permission_denied");
    // OpenAI answers an incorrect key with 401 and type invalid_request_error, code invalid_api_key.
    const type = e.code === "invalid_api_key" ? "invalid_request_error" : typeFor(e.status);
    return errorJson(e.status, openAIError(e.message, type, code));
  }
  if (e instanceof z.ZodError) return errorJson(400, validationError(e.issues));
  if (e instanceof HttpError) {
    const d = (e.details ?? {}) as { code?: string; param?: string };
    return errorJson(
      e.status,
      openAIError(e.message, typeFor(e.status), d.code ?? null, typeof d.param === "string" ? d.param : null),
    );
  }
  console.error(e);
  return errorJson(500, openAIError("Internal error", "server_error", "internal_error"));
}

/** Like lib/http's `handler`, with OpenAI-shaped errors. */
export function openAIHandler(fn: (req: Request, user: PublicUser | null) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    try {
      const user = await authorize(req, OPENAI_ACCESS);
      return await fn(req, user);
    } catch (e) {
      return openAIErrorResponse(e);
    }
  };
}

/** `GET /v1/models`: every expert configuration of the loaded model. */
export async function listModels(): Promise<Response> {
  const model = await modelService();
  const created = Math.floor(Date.parse(model.manifest.createdAt) / 1000) || 0;
  const data = (await modelConfigurations()).map((c) =>
    modelObject(c.id, created, { experts: c.experts, description: c.description }),
  );
  return Response.json({ object: "list", data }, { headers: { "cache-control": "no-store" } });
}

/** `POST /v1/chat/completions`, streaming (SSE) or not. Client disconnect aborts generation. */
export async function chatCompletions(req: Request): Promise<Response> {
  const body = await readJson(req, chatCompletionRequestSchema, MAX_BODY_BYTES);
  const model = await modelService();
  const configuration = findConfiguration(model.experts, body.model);
  if (!configuration) {
    const names = (await modelConfigurations()).map((c) => c.id).join(", ");
    throw new HttpError(404, `The model "${body.model}" does not exist. Available models: ${names}.`, {
      code: "model_not_found",
      param: "model",
    });
  }
  const resolved = resolveExperts(model.experts, configuration, body.experts);
  if (!resolved.ok) {
    throw new HttpError(
      400,
      `Unknown expert "${resolved.unknown}". Experts: ${model.experts.map((e) => e.id).join(", ")}.`,
      { code: "unknown_expert", param: "experts" },
    );
  }
  const params = toGenerationParams(body);
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  req.signal.addEventListener("abort", onAbort, { once: true });
  const events = await startGeneration({
    prompt: params.prompt,
    experts: resolved.experts,
    topK: params.topK,
    temperature: params.temperature,
    topP: params.topP,
    maxTokens: params.maxTokens,
    stop: params.stop,
    seed: params.seed ?? randomInt(0, 2 ** 32 - 1),
    signal: abort.signal,
  });
  const id = `chatcmpl-${randomUUID().replaceAll("-", "")}`;
  const created = Math.floor(Date.now() / 1000);
  const promptBytes = Buffer.byteLength(params.prompt);
  const name = configuration.id;

  if (!params.stream) {
    let content = "";
    try {
      for await (const ev of events) {
        if (ev.type === "piece") content += ev.text;
        else {
          return Response.json(
            completion({
              id,
              created,
              model: name,
              content,
              finishReason: toFinishReason(ev.finishReason),
              usage: usage(promptBytes, ev.tokens),
              experts: resolved.experts,
              routing: ev.routing,
            }),
            { headers: { "cache-control": "no-store" } },
          );
        }
      }
    } finally {
      req.signal.removeEventListener("abort", onAbort);
    }
    throw new Error("generation ended without a finish reason");
  }

  return eventStreamResponse<unknown>({
    format: "sse",
    signal: abort.signal,
    sseEnd: "[DONE]",
    run: async (send, signal) => {
      signal.addEventListener("abort", onAbort, { once: true }); // the body was cancelled
      try {
        send(completionChunk({ id, created, model: name, delta: { role: "assistant", content: "" } }));
        for await (const ev of events) {
          if (signal.aborted) break;
          if (ev.type === "piece") {
            send(
              completionChunk({ id, created, model: name, delta: { content: ev.text }, routing: ev.routing }),
            );
          } else {
            send(
              completionChunk({
                id,
                created,
                model: name,
                delta: {},
                finishReason: toFinishReason(ev.finishReason),
              }),
            );
            if (params.includeUsage)
              send(usageChunk({ id, created, model: name, usage: usage(promptBytes, ev.tokens) }));
          }
        }
      } finally {
        req.signal.removeEventListener("abort", onAbort);
      }
    },
    onError: () => openAIError("Generation failed", "server_error", "internal_error"),
  });
}
