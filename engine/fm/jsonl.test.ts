import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { mulberry32 as rng } from "../random";
import { lines } from "./jsonl";

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe("JSONL line splitting", () => {
  test("same lines as readline for \\n, \\r\\n and lone \\r, UTF-8 and chunk boundaries anywhere", async () => {
    const rand = rng(5);
    const parts = ["a", "bc", "\n", "\r\n", "\r", "é", "日本", '{"x":1}', "", " "];
    for (let round = 0; round < 300; round++) {
      let text = "";
      const len = Math.floor(rand() * 30);
      for (let i = 0; i < len; i++) text += parts[Math.floor(rand() * parts.length)];
      if (round % 10 === 0) text += `${"x".repeat(5000)}\r`;
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(rand() * 7);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const want = await collect(createInterface({ input: Readable.from([bytes]), crlfDelay: Infinity }));
      const got = await collect(lines(Readable.from(chunks)));
      assert.deepEqual(got, want, JSON.stringify(text.slice(0, 80)));
    }
  });
});
