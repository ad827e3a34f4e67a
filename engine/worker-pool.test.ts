import assert from "node:assert/strict";
import { test } from "node:test";
import { type PoolFailure, WorkerPool } from "./worker-pool";

const url = new URL("./fixtures/pool-worker.ts", import.meta.url);

class PoolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function pool(size: number, opts: { timeoutMs?: number; maxPending?: number; startupMs?: number } = {}) {
  return new WorkerPool(
    url,
    size,
    null,
    (e) => new PoolError("WORKER_ERROR", String(e)),
    (code: PoolFailure, message) => new PoolError(code, message),
    opts,
  );
}

const code = (c: string) => (e: unknown) => e instanceof PoolError && e.code === c;

test("a worker that dies fails its request and is replaced; later requests are answered", async () => {
  const p = pool(1);
  try {
    assert.equal(await p.run({ op: "echo", value: 1 }), 1);
    await assert.rejects(p.run({ op: "crash" }), code("WORKER_DIED"));
    assert.equal(await p.run({ op: "echo", value: 2 }), 2);
    await assert.rejects(p.run({ op: "throw" }), code("WORKER_DIED"));
    assert.equal(await p.run({ op: "echo", value: 3 }), 3);
    assert.equal(p.replaced, 2);
    await assert.rejects(p.run({ op: "fail" }), code("WORKER_ERROR"));
  } finally {
    await p.close();
  }
});

test("a request past its timeout fails, and its stuck worker is replaced", async () => {
  const p = pool(1, { timeoutMs: 500 });
  try {
    // A worker that has replied once has started: from then on a request gets timeoutMs, no more.
    assert.equal(await p.run({ op: "echo", value: 0 }), 0);
    const started = Date.now();
    await assert.rejects(
      p.run({ op: "spin" }),
      (e: unknown) => code("SERVICE_TIMEOUT")(e) && /500 ms/.test((e as Error).message),
    );
    assert.ok(Date.now() - started < 5_000);
    // Its replacement may take longer than 500 ms to start on a busy machine; its first request waits.
    assert.equal(await p.run({ op: "echo", value: 7 }), 7);
    assert.equal(p.replaced, 1);
  } finally {
    await p.close();
  }
});

test("a worker that never starts answering is replaced once its startup allowance is spent too", async () => {
  const p = pool(1, { timeoutMs: 200, startupMs: 300 });
  try {
    const started = Date.now();
    await assert.rejects(p.run({ op: "spin" }), code("SERVICE_TIMEOUT"));
    const took = Date.now() - started;
    assert.ok(took >= 480 && took < 5_000, `${took} ms: timeoutMs + startupMs for a worker not yet started`);
    assert.equal(p.replaced, 1);
  } finally {
    await p.close();
  }
});

test("the queue is bounded: a request past maxPending is refused at once with SERVICE_BUSY", async () => {
  const p = pool(2, { maxPending: 3 });
  try {
    const inFlight = [p.run({ op: "slow" }), p.run({ op: "slow" }), p.run({ op: "slow" })];
    await assert.rejects(p.run({ op: "echo", value: 1 }), code("SERVICE_BUSY"));
    assert.deepEqual(await Promise.all(inFlight), ["late", "late", "late"]);
    assert.equal(await p.run({ op: "echo", value: 4 }), 4);
  } finally {
    await p.close();
  }
});

test("close fails what is pending with SERVICE_CLOSED, and later requests too", async () => {
  const p = pool(1);
  const pending = assert.rejects(p.run({ op: "slow" }), code("SERVICE_CLOSED"));
  await p.close();
  await pending;
  await assert.rejects(p.run({ op: "echo", value: 1 }), code("SERVICE_CLOSED"));
});
