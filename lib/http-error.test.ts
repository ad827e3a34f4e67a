/**
 * Body limits while reading: a body is read as it streams in and refused as soon as it passes its limit,
 * whether or not it declared a length, and nothing past the limit is pulled from the stream.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { chunkedPost as postChunked } from "./chunked-post";
import {
  BodyTooLargeError,
  checkDeclaredLength,
  errorBody,
  formatBytes,
  readLimited,
  readLimitedNode,
} from "./http-error";

/** A web stream of `chunks` chunks of `size` bytes that counts what was pulled from it. */
function countingStream(chunks: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  let left = chunks;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (left-- === 0) return controller.close();
        state.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(97));
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

test("the limit is named in the message and the JSON body, in readable units", () => {
  assert.equal(formatBytes(64 * 1024), "64 KB");
  assert.equal(formatBytes(50 * 1024 * 1024), "50 MB");
  assert.equal(formatBytes(64_000), "64,000 bytes");
  const { status, body } = errorBody(new BodyTooLargeError(1024 * 1024));
  assert.equal(status, 413);
  assert.deepEqual(body, {
    error: "The request body is over this endpoint's limit of 1 MB.",
    limitBytes: 1048576,
  });
});

test("a declared length over the limit is refused before reading; at the limit it is not", () => {
  assert.throws(() => checkDeclaredLength("1001", 1000), BodyTooLargeError);
  checkDeclaredLength("1000", 1000);
  checkDeclaredLength(null, 1000);
  checkDeclaredLength(undefined, 1000);
});

test("a stream within the limit is read whole", async () => {
  const { stream } = countingStream(4, 250);
  const bytes = await readLimited(stream, 1000);
  assert.equal(bytes.length, 1000);
});

test("a stream past the limit stops being read one chunk past it (300 MB offered, ~64 KB pulled)", async () => {
  // 300 MB on offer in 16 KB chunks: only what fits under the limit, plus the chunk that crosses it, is pulled.
  const { stream, state } = countingStream((300 * 1024 * 1024) / 16384, 16384);
  await assert.rejects(readLimited(stream, 64_000), (e: unknown) => {
    assert.ok(e instanceof BodyTooLargeError);
    assert.equal(e.limitBytes, 64_000);
    return true;
  });
  assert.ok(state.pulled <= 64_000 + 16384, `pulled ${state.pulled} bytes`);
  assert.equal(
    state.cancelled,
    false,
    "left unread, not cancelled (cancelling would drop the 413 with the socket)",
  );
});

test("a chunked Node.js request past the limit gets its 413 and the connection closes before the sender is done", async () => {
  const server = createServer((req, res) => {
    readLimitedNode(req, 100_000).then(
      (b) => res.end(`read ${b.length}`),
      (e) => {
        const { status, body } = errorBody(e);
        res.writeHead(status, { "content-type": "application/json", connection: "close" });
        res.end(JSON.stringify(body));
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  try {
    const small = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x".repeat(1000) });
    assert.equal(await small.text(), "read 1000");

    const offered = 200 * 1024 * 1024;
    const result = await postChunked(`http://127.0.0.1:${port}/`, offered);
    assert.equal(result.status, 413);
    assert.match(result.body, /limit of 100,000 bytes/);
    // The server stopped reading at the limit; what the client got out is the limit plus socket buffers.
    assert.ok(result.sent < 32 * 1024 * 1024, `the client sent ${(result.sent / 2 ** 20).toFixed(1)} MB`);
  } finally {
    server.close();
  }
});

test("a 429 from another bundle's copy of the class still gets its Retry-After (matched by name and shape)", () => {
  class TooManyRequestsError extends Error {
    readonly status = 429;
    constructor(readonly retryAfterS: number) {
      super("Too many votes: at most 60 votes in a minute. Try again in 7 s.");
      this.name = "TooManyRequestsError";
    }
  }
  const { status, body, headers } = errorBody(new TooManyRequestsError(7));
  assert.equal(status, 429);
  assert.deepEqual(headers, { "retry-after": "7" });
  assert.equal(body.retryAfterS, 7);
});
