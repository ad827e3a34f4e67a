/** Worker-thread entry that builds one shard per message (see build.ts). */

import { parentPort } from "node:worker_threads";
import { buildShard, readShardText, type ShardInput } from "./build-shard";

parentPort?.on("message", (msg: { id: number; input: ShardInput; file: string }) => {
  try {
    msg.input.text = readShardText(msg.file);
    const { bytes, meta } = buildShard(msg.input, (stage, doneBytes) =>
      parentPort?.postMessage({ id: msg.id, type: "progress", stage, doneBytes }),
    );
    parentPort?.postMessage({ id: msg.id, type: "done", bytes, meta }, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, type: "error", message: (e as Error).message });
  }
});
