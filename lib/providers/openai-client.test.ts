import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { readRecording, startFakeOpenAiServer } from "./fake-openai-server";
import { slotUse } from "./model-slots";
import { openAiProvider } from "./openai-client";
import type { AnswerPiece, ArenaPassage } from "./types";

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

async function collect(it: AsyncIterable<AnswerPiece>) {
  let s = "";
  for await (const p of it) if (typeof p === "string") s += p;
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
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
  await assert.rejects(
    collect(p.answer({ question: "q", passages, signal: new AbortController().signal })),
    /Model A could not be reached: .* \(after 3 attempts\)/,
  );
});

// ---- retries, Retry-After, concurrency, against the fake server that replays recorded streams ----

test("429 and 5xx before the first token are retried with backoff, honouring Retry-After", async () => {
  const fake = await startFakeOpenAiServer({
    models: {
      busy: { recording: "ollama", failFirst: { times: 2, status: 429, retryAfter: "2" } },
      flaky: { recording: "openai", failFirst: { times: 1, status: 502 } },
      down: { recording: "openai", failFirst: { times: 99, status: 503 } },
      far: { recording: "openai", failFirst: { times: 1, status: 429, retryAfter: "120" } },
    },
  });
  try {
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    const make = (modelName: string, timeoutMs = 30_000) =>
      openAiProvider({
        baseUrl: fake.url,
        modelName,
        timeoutMs,
        label: "Model A",
        sleep,
        random: () => 0.5,
        retry: { retries: 3, baseDelayMs: 400, maxDelayMs: 8000 },
      });
    const signal = new AbortController().signal;
    assert.equal(
      await collect(make("busy").answer({ question: "q", passages, signal })),
      readRecording("ollama").info.answer,
    );
    assert.deepEqual(slept, [2000, 2000], "Retry-After: 2 is waited for, twice");
    assert.equal(fake.requests.filter((r) => r.model === "busy").length, 3);

    slept.length = 0;
    assert.equal(
      await collect(make("flaky").answer({ question: "q", passages, signal })),
      readRecording("openai").info.answer,
    );
    assert.deepEqual(slept, [300], "without Retry-After: backoff of 400 ms with jitter (half to all of it)");

    slept.length = 0;
    await assert.rejects(collect(make("down").answer({ question: "q", passages, signal })), (e: Error) => {
      assert.match(e.message, /Model A answered HTTP 503: The server is overloaded \(after 4 attempts\)/);
      return true;
    });
    assert.deepEqual(slept, [300, 600, 1200], "the backoff doubles");

    await assert.rejects(
      collect(make("far", 10_000).answer({ question: "q", passages, signal })),
      /HTTP 429: Rate limit reached; it asked to retry after 120 s, beyond the 10 s limit/,
    );
  } finally {
    await fake.close();
  }
});

test("an error after the first token is not retried (the text was already shown)", async () => {
  const fake = await startFakeOpenAiServer({ models: { m: { recording: "llamacpp-error" } } });
  try {
    const p = openAiProvider({ baseUrl: fake.url, modelName: "m", timeoutMs: 5000, label: "Model B" });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const piece of p.answer({ question: "q", passages, signal: new AbortController().signal }))
          if (typeof piece === "string") seen.push(piece);
      })(),
      /Model B failed: the request exceeds the available context size/,
    );
    assert.equal(seen.join(""), readRecording("llamacpp-error").info.answer);
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

test("a model's concurrency limit holds across answers; a waiter that gives up leaves the queue", async () => {
  const fake = await startFakeOpenAiServer({ models: { slow: { recording: "openai", delayMs: 2 } } });
  try {
    const p = openAiProvider({
      baseUrl: fake.url,
      modelName: "slow",
      timeoutMs: 30_000,
      label: "Model A",
      concurrency: { key: "test-slow", limit: 2 },
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        collect(p.answer({ question: "q", passages, signal: new AbortController().signal })),
      ),
    );
    assert.ok(answers.every((a) => a === readRecording("openai").info.answer));
    assert.equal(fake.maxInFlight.get("slow"), 2, "never more than 2 requests at once");
    assert.deepEqual(slotUse("test-slow"), { active: 0, pending: 0 });

    // Two answers hold both slots; a third, queued, is given up and never reaches the server.
    const holders = [0, 1].map(() =>
      collect(p.answer({ question: "q", passages, signal: new AbortController().signal })),
    );
    const quitter = new AbortController();
    const queued = collect(p.answer({ question: "q", passages, signal: quitter.signal }));
    // Wait until both holders' requests reached the server (not a fixed delay: the machine may be loaded).
    const holding = 6 + 2;
    for (let i = 0; i < 500 && fake.requests.length < holding; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(fake.requests.length, holding);
    assert.equal(slotUse("test-slow").active, 2);
    const before = fake.requests.length;
    quitter.abort();
    await assert.rejects(queued, /Model A was stopped/);
    await Promise.all(holders);
    assert.equal(fake.requests.length, before, "the one that gave up never sent its request");
    assert.deepEqual(slotUse("test-slow"), { active: 0, pending: 0 });
  } finally {
    await fake.close();
  }
});

test("a model that stays busy fails with a message naming its limit", async () => {
  const fake = await startFakeOpenAiServer({ models: { one: { recording: "openai", delayMs: 5 } } });
  try {
    const make = (timeoutMs: number) =>
      openAiProvider({
        baseUrl: fake.url,
        modelName: "one",
        timeoutMs,
        label: "Model B",
        concurrency: { key: "test-one", limit: 1 },
      });
    const first = collect(
      make(30_000).answer({ question: "q", passages, signal: new AbortController().signal }),
    );
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(
      collect(make(150).answer({ question: "q", passages, signal: new AbortController().signal })),
      /Model B was busy: no free slot within 0.15 s \(it takes 1 request at a time\)/,
    );
    await first;
  } finally {
    await fake.close();
  }
});

test("the request asks for usage, and the usage the server reports comes back", async () => {
  const fake = await startFakeOpenAiServer({ models: { m: { recording: "vllm-reasoning" } } });
  try {
    const p = openAiProvider({ baseUrl: fake.url, modelName: "m", timeoutMs: 5000, label: "Model A" });
    const pieces: AnswerPiece[] = [];
    for await (const piece of p.answer({ question: "q", passages, signal: new AbortController().signal }))
      pieces.push(piece);
    assert.deepEqual(fake.requests[0].body.stream_options, { include_usage: true });
    assert.deepEqual(pieces.at(-1), { usage: { promptTokens: 398, completionTokens: 123 } });
  } finally {
    await fake.close();
  }
});
