import assert from "node:assert/strict";
import { test } from "node:test";
import { eventStreamResponse, frameEvent } from "./event-stream";
import { readEvents } from "./read-events";

type Ev = { type: "n"; n: number } | { type: "error"; message: string };

/** A body that delivers `text` in pieces of `size` bytes (lines and UTF-8 characters cut anywhere). */
function chunked(text: string, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

test("an NDJSON event stream reads back as the same events, however the bytes are split", async () => {
  const res = eventStreamResponse<Ev>({
    format: "ndjson",
    signal: new AbortController().signal,
    run: async (send) => {
      for (let n = 0; n < 50; n++) send({ type: "n", n });
    },
  });
  assert.equal(res.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
  const wire = await res.text();
  for (const size of [1, 3, 7, 1000]) {
    const seen: Ev[] = [];
    await readEvents<Ev>(chunked(wire.replaceAll("\n", "\r\n"), size), (e) => seen.push(e));
    assert.deepEqual(
      seen.map((e) => (e.type === "n" ? e.n : -1)),
      Array.from({ length: 50 }, (_, i) => i),
    );
  }
  // Multi-byte characters cut between chunks survive.
  const seen: string[] = [];
  await readEvents<{ t: string }>(chunked(frameEvent("ndjson", { t: "κόσμε 🦀" }), 1), (e) => seen.push(e.t));
  assert.deepEqual(seen, ["κόσμε 🦀"]);
});

test("a failing producer ends the stream with its error event; a client that leaves stops the producer", async () => {
  const failing = eventStreamResponse<Ev>({
    format: "ndjson",
    signal: new AbortController().signal,
    run: async (send) => {
      send({ type: "n", n: 1 });
      throw new Error("boom");
    },
    onError: () => ({ type: "error", message: "It failed." }),
  });
  const original = console.error;
  console.error = () => {};
  const events: Ev[] = [];
  try {
    await readEvents<Ev>(failing.body!, (e) => events.push(e));
  } finally {
    console.error = original;
  }
  assert.deepEqual(events, [
    { type: "n", n: 1 },
    { type: "error", message: "It failed." },
  ]);

  const client = new AbortController();
  let stoppedBy: string | null = null;
  const res = eventStreamResponse<Ev>({
    format: "ndjson",
    signal: client.signal,
    run: (send, signal) =>
      new Promise<void>((resolve) => {
        send({ type: "n", n: 0 });
        signal.addEventListener("abort", () => {
          stoppedBy = "abort";
          resolve();
        });
      }),
  });
  const reader = res.body!.getReader();
  await reader.read();
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(stoppedBy, "abort");
});

test("SSE framing ends with the given [DONE] line only when the producer completed", async () => {
  const ok = eventStreamResponse<{ a: number }>({
    format: "sse",
    signal: new AbortController().signal,
    sseEnd: "[DONE]",
    run: async (send) => send({ a: 1 }),
  });
  assert.equal(ok.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(await ok.text(), 'data: {"a":1}\n\ndata: [DONE]\n\n');
  const original = console.error;
  console.error = () => {};
  try {
    const failed = eventStreamResponse<{ a: number } | { error: string }>({
      format: "sse",
      signal: new AbortController().signal,
      sseEnd: "[DONE]",
      run: async () => {
        throw new Error("x");
      },
      onError: () => ({ error: "failed" }),
    });
    assert.equal(await failed.text(), 'data: {"error":"failed"}\n\n');
  } finally {
    console.error = original;
  }
});

test("a line that is not JSON fails the reader", async () => {
  await assert.rejects(
    readEvents(chunked('{"a":1}\nnot json\n', 4), () => {}),
    SyntaxError,
  );
});
