import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CHAT_STOP,
  chatCompletionRequestSchema,
  completion,
  completionChunk,
  renderChatPrompt,
  toFinishReason,
  toGenerationParams,
  usage,
  validationError,
} from "./openai-server-format";
import { meanRouting, PieceAssembler } from "./routing";

test("the chat template renders roles as plain text and ends with the assistant's turn", () => {
  assert.equal(
    renderChatPrompt([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      {
        role: "user",
        content: [
          { type: "text", text: "Write a " },
          { type: "text", text: "poem" },
        ],
      },
    ]),
    "Be brief.\n\nUser: Hi\n\nAssistant: Hello.\n\nUser: Write a poem\n\nAssistant:",
  );
  assert.equal(renderChatPrompt([{ role: "user", content: "x" }]), "User: x\n\nAssistant:");
});

test("request fields map to generation options; the template's stop is always added", () => {
  const req = chatCompletionRequestSchema.parse({
    model: "flexolmo-all",
    messages: [{ role: "user", content: "def f" }],
    temperature: 0.5,
    top_p: 0.9,
    max_tokens: 40,
    stop: "\n\n",
    seed: 7,
    stream: true,
    stream_options: { include_usage: true },
    top_k: 1,
    user: "ignored-by-this-model",
  });
  assert.deepEqual(toGenerationParams(req), {
    prompt: "User: def f\n\nAssistant:",
    temperature: 0.5,
    topP: 0.9,
    maxTokens: 40,
    stop: ["\n\n", CHAT_STOP],
    seed: 7,
    topK: 1,
    stream: true,
    includeUsage: true,
  });
  const minimal = toGenerationParams(
    chatCompletionRequestSchema.parse({ model: "m", messages: [{ role: "user", content: "a" }] }),
  );
  assert.equal(minimal.stream, false);
  assert.equal(minimal.temperature, undefined);
  assert.deepEqual(minimal.stop, [CHAT_STOP]);
  const newer = chatCompletionRequestSchema.parse({
    model: "m",
    messages: [{ role: "user", content: "a" }],
    max_completion_tokens: 9,
    stop: ["x", "y"],
  });
  assert.equal(toGenerationParams(newer).maxTokens, 9);
  assert.deepEqual(toGenerationParams(newer).stop, ["x", "y", CHAT_STOP]);
});

test("bad parameters become an OpenAI invalid_request_error naming the parameter", () => {
  const bad = (body: unknown) => {
    const r = chatCompletionRequestSchema.safeParse(body);
    assert.equal(r.success, false);
    return validationError(r.error?.issues ?? []).error;
  };
  const messages = [{ role: "user", content: "a" }];
  assert.equal(bad({ model: "m", messages, temperature: 3 }).param, "temperature");
  assert.equal(bad({ model: "m", messages, top_p: 0 }).param, "top_p");
  assert.equal(bad({ model: "m", messages, max_tokens: 0 }).param, "max_tokens");
  assert.equal(bad({ model: "m", messages, n: 2 }).param, "n");
  assert.equal(bad({ model: "m", messages: [] }).param, "messages");
  assert.equal(bad({ model: "m", messages: [{ role: "tool", content: "x" }] }).param, "messages.0.role");
  const e = bad({ model: "m", messages, seed: 1.5 });
  assert.equal(e.type, "invalid_request_error");
  assert.match(e.message, /^seed: /);
});

test("chunks, completions and SSE framing follow OpenAI's shapes with routing as an extra", () => {
  const chunk = completionChunk({
    id: "chatcmpl-1",
    created: 5,
    model: "flexolmo-all",
    delta: { content: "a" },
    routing: [{ id: "code", weight: 0.6 }],
  });
  assert.deepEqual(chunk, {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 5,
    model: "flexolmo-all",
    choices: [
      {
        index: 0,
        delta: { content: "a" },
        logprobs: null,
        finish_reason: null,
        routing: [{ id: "code", weight: 0.6 }],
      },
    ],
  });
  const full = completion({
    id: "x",
    created: 1,
    model: "flexolmo-public",
    content: "hi",
    finishReason: toFinishReason("context"),
    usage: usage(10, 2),
    experts: ["public"],
    routing: [],
  });
  assert.equal(full.object, "chat.completion");
  assert.equal(full.choices[0]?.finish_reason, "length");
  assert.deepEqual(full.usage, { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
  assert.equal(toFinishReason("stop"), "stop");
  assert.equal(toFinishReason("abort"), null);
});

test("bytes held back for a multi-byte character lend their routing to the next piece", () => {
  const a = new PieceAssembler();
  assert.equal(a.push({ text: "", bytes: [0xc3], experts: [{ id: "code", weight: 0.8 }] }), undefined);
  const piece = a.push({
    text: "é",
    bytes: [0xa9],
    experts: [
      { id: "public", weight: 0.4 },
      { id: "code", weight: 0.2 },
    ],
  });
  assert.deepEqual(piece, {
    text: "é",
    bytes: 2,
    routing: [
      { id: "code", weight: 0.5 },
      { id: "public", weight: 0.2 },
    ],
  });
  // The final chunk carries no byte, only the tail text.
  assert.deepEqual(a.push({ text: "", bytes: [], experts: [] }), undefined);
  assert.equal(a.all.length, 2);
  assert.deepEqual(meanRouting([]), []);
});
