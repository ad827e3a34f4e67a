/** Worker-thread entry that builds one shard per message and writes its file (see build-workers.ts). */

import { parentPort } from "node:worker_threads";
import { buildShardFile, readShardText, type ShardInput, type ShardScratch } from "./build-shard";

/** Large buffers reused by every shard this worker builds. */
const scratch: ShardScratch = {};

parentPort?.on("message", (msg: { id: number; input: ShardInput; file: string; out: string }) => {
  try {
    msg.input.text = readShardText(msg.file, scratch);
    const written = buildShardFile(
      msg.input,
      msg.out,
      (stage, doneBytes) => parentPort?.postMessage({ id: msg.id, type: "progress", stage, doneBytes }),
      scratch,
    );
    parentPort?.postMessage({ id: msg.id, type: "done", written });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, type: "error", message: (e as Error).message });
  }
});
