import assert from "node:assert/strict";
import { test } from "node:test";
import { stopAfterMinimum } from "./stop";

async function collect(pieces: string[], stops: string[], min: number) {
  async function* source() {
    for (const p of pieces) yield p;
  }
  const out: string[] = [];
  for await (const p of stopAfterMinimum(source(), stops, min)) out.push(p);
  return out.join("");
}

test("leading blank lines do not end the answer before it starts", async () => {
  assert.equal(
    await collect(["\n\n", "Experts are", " trained apart.", "\n\nQuestion: x"], ["\n\n"], 10),
    "Experts are trained apart.",
  );
});

test("a stop string split across pieces is never yielded, even in part", async () => {
  const pieces = ["The answer is long enough", "\n", "\nmore text"];
  assert.equal(await collect(pieces, ["\n\n"], 5), "The answer is long enough");
  assert.equal(await collect(["abcdefgh\nQue", "stion: z"], ["\nQuestion:"], 3), "abcdefgh");
});

test("a stop string before the minimum length is kept as text", async () => {
  assert.equal(await collect(["ab\n\ncd", "ef"], ["\n\n"], 10), "ab\n\ncdef");
});

test("without a stop the whole text comes through", async () => {
  assert.equal(await collect(["one ", "two ", "three\n"], ["\n\n"], 3), "one two three\n");
});
