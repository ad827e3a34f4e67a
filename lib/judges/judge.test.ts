/**
 * Judges on chat models: the judge prompt reaches an OpenAI-compatible server verbatim (a loopback server),
 * and a FlexOlmo judge gets the raw prompt (a stand-in model), never wrapped in the arena's answer prompt.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { FlexOlmo } from "../../engine/moe";
import { fitPrompt, flexOlmoProvider } from "../providers/flexolmo";
import { SYSTEM_PROMPT } from "../providers/prompt";
import type { ProviderRow } from "../providers/registry";
import { judgeFromProvider } from "./judge";
import { parseVerdict } from "./parse";
import { DEFAULT_JUDGE_PROMPT, renderJudgePrompt } from "./prompt";

interface ChatBody {
  model: string;
  temperature: number;
  max_tokens: number;
  messages: { role: string; content: string }[];
}
let server: Server;
let base: string;
const bodies: ChatBody[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      bodies.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: "B" } }] })}\n\n`);
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const item = {
  question: "Does BM25 use idf? {responseA} stays literal",
  responseA: "Yes, BM25 weights terms by idf [1].",
  responseB: "No.",
  citationA: [{ concise_authors: "Robertson 1994", content: "BM25 ranks by idf." }],
  citationB: [],
};

const row = (over: Partial<ProviderRow>): ProviderRow => ({
  id: "j1",
  name: "judge",
  kind: "openai",
  baseUrl: base,
  modelName: "judge-model",
  apiKeyCipher: null,
  timeoutMs: 5000,
  enabled: true,
  weight: 1,
  config: null,
  ...over,
});

test("an OpenAI-compatible judge receives the judge prompt verbatim as its only message", async () => {
  const judge = judgeFromProvider(row({}), {
    key: [{ id: "00000000", key: Buffer.alloc(32) }],
    loadModel: () => Promise.reject(new Error("unused")),
  });
  for (const swapped of [false, true]) {
    const prompt = renderJudgePrompt(DEFAULT_JUDGE_PROMPT, item, swapped);
    const reply = await judge({ prompt, item, swapped, signal: new AbortController().signal });
    assert.equal(parseVerdict(reply), "B");
    const sent = bodies.at(-1);
    assert.ok(sent);
    assert.deepEqual(sent.messages, [{ role: "user", content: prompt }]);
    assert.equal(sent.model, "judge-model");
    assert.equal(sent.temperature, 0);
    assert.ok(!JSON.stringify(sent).includes(SYSTEM_PROMPT.slice(0, 40)), "no arena system prompt");
    assert.ok(!JSON.stringify(sent).includes("Answer with citations"), "no arena user template");
  }
});

function fakeModel(prompts: string[], context = 4096): FlexOlmo {
  return {
    manifest: { config: { context } },
    async *generate(opts: { prompt: string }) {
      prompts.push(opts.prompt);
      yield { text: "A", finishReason: null };
      yield { text: "", finishReason: "stop" };
    },
  } as unknown as FlexOlmo;
}

test("a FlexOlmo judge gets the raw prompt (greedy); its arena answers keep the arena prompt", async () => {
  const prompts: string[] = [];
  const judge = judgeFromProvider(row({ kind: "local", baseUrl: null, config: '{"experts":["public"]}' }), {
    key: [{ id: "00000000", key: Buffer.alloc(32) }],
    loadModel: async () => fakeModel(prompts),
  });
  const prompt = renderJudgePrompt(DEFAULT_JUDGE_PROMPT, item, false);
  assert.equal(await judge({ prompt, item, swapped: false, signal: new AbortController().signal }), "A");
  assert.equal(prompts[0], prompt);

  const provider = flexOlmoProvider({
    loadModel: async () => fakeModel(prompts),
    experts: [],
    timeoutMs: 5000,
    label: "m",
  });
  for await (const _ of provider.answer({
    question: "What is BM25?",
    passages: [],
    signal: AbortSignal.timeout(5000),
  }));
  assert.match(prompts[1], /Question: What is BM25\?\nAnswer:$/);
});

test("fitPrompt keeps the opening and the closing instruction of a long prompt", () => {
  const long = `Question: q\n${"x".repeat(5000)}\nReply with "A" or "B".`;
  const cut = fitPrompt(long, 200);
  assert.ok(Buffer.byteLength(cut) <= 200);
  assert.ok(cut.startsWith("Question: q"));
  assert.ok(cut.endsWith('Reply with "A" or "B".'));
  assert.equal(fitPrompt("short", 200), "short");
  assert.ok(Buffer.byteLength(fitPrompt("é".repeat(300), 101)) <= 101);
  assert.ok(!fitPrompt("é".repeat(300), 101).includes("\uFFFD"), "no split character");
});
