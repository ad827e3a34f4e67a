/**
 * lowerThreadPriority: a worker thread lowers its own nice value by WORKER_NICE, and only its own: the
 * process's main thread keeps its priority (Linux; elsewhere it does nothing).
 */
import assert from "node:assert/strict";
import { readlinkSync } from "node:fs";
import { getPriority } from "node:os";
import { test } from "node:test";
import { Worker } from "node:worker_threads";

const linux = process.platform === "linux";

function inWorker(env: Record<string, string>): Promise<{ result: number | null; nice: number }> {
  const code = `
    const { parentPort } = require("node:worker_threads");
    require("tsx/cjs");
    const { lowerThreadPriority } = require(${JSON.stringify(new URL("./thread-priority.ts", import.meta.url).pathname)});
    const result = lowerThreadPriority();
    const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
    parentPort.postMessage({ result, nice: require("node:os").getPriority(tid) });
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, env: { ...process.env, ...env } });
    w.once("message", (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once("error", reject);
  });
}

test("a worker thread lowers its own priority by WORKER_NICE; the main thread keeps its own", {
  skip: !linux,
}, async () => {
  const mainTid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  const before = getPriority(mainTid);
  const w = await inWorker({ WORKER_NICE: "7" });
  assert.equal(w.nice, Math.min(19, before + 7));
  assert.equal(w.result, w.nice);
  assert.equal(getPriority(mainTid), before, "the main thread is untouched");
  assert.equal(getPriority(), before, "and so is the process as a whole");
  const off = await inWorker({ WORKER_NICE: "0" });
  assert.equal(off.result, null);
  assert.equal(off.nice, before);
  const def = await inWorker({ WORKER_NICE: "" });
  assert.equal(def.nice, Math.min(19, before + 10), "default 10");
});
