import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { openAiProvider } from "./openai-client";
import type { ArenaPassage } from "./types";

let server: Server;
let base: string;
let lastAuth: string | undefined;
let lastBody: { model: string; stream: boolean; messages: { role: string; content: string }[] } | undefined;

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      lastAuth = req.headers.authorization;
      lastBody = JSON.parse(body);
      if (req.url === "/bad/chat/completions") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { message: `Incorrect API key provided: ${req.headers.authorization?.slice(7)}` },
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      const pieces = ["BM25 ", "uses idf ", "[1]."];
      let i = 0;
      const tick = () => {
        if (req.url === "/slow/chat/completions") return; // never finishes
        if (i < pieces.length) {
          res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: pieces[i++] } }] })}\n\n`);
          setTimeout(tick, 5);
        } else {
          res.end("data: [DONE]\n\n");
        }
      };
      tick();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const passages: ArenaPassage[] = [
  {
    n: 1,
    passageId: "p#0",
    text: "BM25 weights terms by idf.",
    paper: { id: "p", title: "Okapi", authors: ["R"], year: 1994 },
  },
];

async function collect(it: AsyncIterable<string>) {
  let s = "";
  for await (const p of it) s += p;
  return s;
}

test("streams the chat completion, sending the numbered passages and the key only as a bearer header", async () => {
  const p = openAiProvider({
    baseUrl: `${base}/ok/`,
    modelName: "m1",
    apiKey: "sk-123",
    timeoutMs: 5000,
    label: "Model A",
  });
  const text = await collect(p.answer({ question: "How?", passages, signal: new AbortController().signal }));
  assert.equal(text, "BM25 uses idf [1].");
  assert.equal(lastAuth, "Bearer sk-123");
  assert.equal(lastBody?.model, "m1");
  assert.equal(lastBody?.stream, true);
  assert.match(lastBody?.messages[1].content ?? "", /\[1\] Okapi \(R, 1994\)\nBM25 weights terms by idf\./);
  assert.match(lastBody?.messages[1].content ?? "", /Question: How\?/);
});

test("an HTTP error fails with a message that never contains the key", async () => {
  const p = openAiProvider({
    baseUrl: `${base}/bad`,
    modelName: "m",
    apiKey: "sk-very-secret",
    timeoutMs: 5000,
    label: "Model B",
  });
  await assert.rejects(
    collect(p.answer({ question: "q", passages, signal: new AbortController().signal })),
    (e: Error) => {
      assert.match(e.message, /Model B answered HTTP 401/);
      assert.ok(!e.message.includes("sk-very-secret"));
      return true;
    },
  );
});

test("a provider that does not finish in time fails with a timeout", async () => {
  const p = openAiProvider({ baseUrl: `${base}/slow`, modelName: "m", timeoutMs: 200, label: "Model A" });
  await assert.rejects(
    collect(p.answer({ question: "q", passages, signal: new AbortController().signal })),
    /Model A did not finish within 0.2 s/,
  );
});

test("an unreachable endpoint fails with a network error", async () => {
  const p = openAiProvider({
    baseUrl: "http://127.0.0.1:9/v1",
    modelName: "m",
    timeoutMs: 2000,
    label: "Model A",
  });
  await assert.rejects(
    collect(p.answer({ question: "q", passages, signal: new AbortController().signal })),
    /could not be reached/,
  );
});
