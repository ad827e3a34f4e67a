import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FmInputError } from "./errors";
import { readJsonl } from "./jsonl";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const l of it) out.push(l);
  return out;
}

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
