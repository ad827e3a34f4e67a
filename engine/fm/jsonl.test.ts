import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { mulberry32 as rng } from "../random";
import { FmInputError } from "./errors";
import { lines, readJsonl } from "./jsonl";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
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

  test("a line over the limit comes as null, whatever the chunking, and the lines around it are intact", async () => {
    const rand = rng(9);
    for (let round = 0; round < 200; round++) {
      const want: (string | null)[] = [];
      let text = "";
      const n = 1 + Math.floor(rand() * 6);
      for (let i = 0; i < n; i++) {
        const len = Math.floor(rand() * 40);
        const line = "y".repeat(len);
        want.push(len > 20 ? null : line);
        text += line + ["\n", "\r\n", "\r"][Math.floor(rand() * 3)];
      }
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(rand() * 9);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(await collect(lines(Readable.from(chunks), 20)), want, JSON.stringify(text));
    }
    assert.deepEqual(await collect(lines(Readable.from([Buffer.from("abc\nxxxxxxxx")]), 5)), ["abc", null]);
  });
});

describe("readJsonl", () => {
  test("an overlong line is an error naming the file, line and limit, or skipped with skipBad", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jsonl-test-"));
    try {
      const file = join(dir, "docs.jsonl");
      writeFileSync(file, `{"a":1}\n{"text":"${"z".repeat(5000)}"}\n{"a":3}\n`);
      await assert.rejects(
        async () => {
          for await (const _ of readJsonl(file, { maxLineBytes: 1000 })) void _;
        },
        (e: FmInputError) => {
          assert.ok(e instanceof FmInputError);
          assert.match(e.message, /docs\.jsonl:2: /);
          assert.match(e.message, /longer than 1000 bytes/);
          return true;
        },
      );
      const skipped: number[] = [];
      const got = await collect(
        readJsonl(file, { maxLineBytes: 1000, skipBad: true, onSkip: (l) => skipped.push(l) }),
      );
      assert.deepEqual(
        got.map((g) => g.value),
        [{ a: 1 }, { a: 3 }],
      );
      assert.deepEqual(skipped, [2]);
      assert.equal((await collect(readJsonl(file))).length, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
