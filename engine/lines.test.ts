import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { type Line, lines } from "./lines";
import { mulberry32 as rng } from "./random";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const l of it) out.push(l);
  return out;
}

const texts = async (it: AsyncIterable<Line>) => (await collect(it)).map((l) => l.text);

/** Cuts bytes into chunks of 1 to `most` bytes. */
function chunked(bytes: Buffer, rand: () => number, most: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(rand() * most);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** The naive splitter: byte by byte, a line ends at "\n", "\r\n" or "\r"; its end is past the break. */
function reference(bytes: Buffer, maxLineBytes: number): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a && bytes[i] !== 0x0d) continue;
    const end = bytes[i] === 0x0d && bytes[i + 1] === 0x0a ? i + 2 : i + 1;
    out.push({ text: i - start > maxLineBytes ? null : bytes.toString("utf8", start, i), end });
    start = end;
    i = end - 1;
  }
  if (start < bytes.length) {
    const n = bytes.length - start;
    out.push({ text: n > maxLineBytes ? null : bytes.toString("utf8", start), end: bytes.length });
  }
  return out;
}

/** Random text of short lines with every kind of break, some lines over 20 bytes, maybe no final break. */
function randomText(rand: () => number): Buffer {
  const parts = ["a", "bc", "\n", "\r\n", "\r", "é", "日本", '{"x":1}', " ", "yyyyyyyyyyyy"];
  let text = "";
  const len = Math.floor(rand() * 40);
  for (let i = 0; i < len; i++) text += parts[Math.floor(rand() * parts.length)];
  return Buffer.from(text);
}

describe("line splitting", () => {
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
      const got = (await collect(lines(Readable.from(chunks)))).map((l) => l.text);
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
      assert.deepEqual(
        await texts(lines(Readable.from(chunks), { maxLineBytes: 20 })),
        want,
        JSON.stringify(text),
      );
    }
    assert.deepEqual(await texts(lines(Readable.from([Buffer.from("abc\nxxxxxxxx")]), { maxLineBytes: 5 })), [
      "abc",
      null,
    ]);
  });
});

describe("line offsets and resuming", () => {
  test("every line's end is the offset past its break, whatever the chunking; overlong lines too", async () => {
    const rand = rng(11);
    for (let round = 0; round < 500; round++) {
      const bytes = randomText(rand);
      const want = reference(bytes, 20);
      const got = await collect(lines(Readable.from(chunked(bytes, rand, 6)), { maxLineBytes: 20 }));
      assert.deepEqual(got, want, JSON.stringify(bytes.toString()));
    }
  });

  test("resuming at any line's end reads exactly the lines after it, with the same offsets", async () => {
    const rand = rng(12);
    for (let round = 0; round < 200; round++) {
      const bytes = randomText(rand);
      const all = reference(bytes, 20);
      for (let k = 0; k < all.length; k++) {
        // A new chunking: the committed offset may fall anywhere inside a chunk, or on its edge.
        const got = await collect(
          lines(Readable.from(chunked(bytes, rand, 6)), { maxLineBytes: 20, skip: all[k].end }),
        );
        assert.deepEqual(got, all.slice(k + 1), `${JSON.stringify(bytes.toString())} from ${all[k].end}`);
      }
    }
  });

  test("a \\r\\n cut between chunks is one break: the end is past the \\n, and a resume there starts the next line", async () => {
    const chunks = () => Readable.from([Buffer.from("ab\r"), Buffer.from("\ncd\r"), Buffer.from("\r\nef")]);
    assert.deepEqual(await collect(lines(chunks())), [
      { text: "ab", end: 4 },
      { text: "cd", end: 7 },
      { text: "", end: 9 },
      { text: "ef", end: 11 },
    ]);
    assert.deepEqual(await collect(lines(chunks(), { skip: 4 })), [
      { text: "cd", end: 7 },
      { text: "", end: 9 },
      { text: "ef", end: 11 },
    ]);
    assert.deepEqual(await collect(lines(chunks(), { skip: 9 })), [{ text: "ef", end: 11 }]);
    assert.deepEqual(await collect(lines(chunks(), { skip: 11 })), []);
  });

  test("a last line without a break ends at the stream's length; an overlong one comes as null there", async () => {
    assert.deepEqual(await collect(lines(Readable.from([Buffer.from("a\r\nlast")]))), [
      { text: "a", end: 3 },
      { text: "last", end: 7 },
    ]);
    const long = Buffer.from(`a\n${"z".repeat(30)}\nb\n${"z".repeat(30)}`);
    const all = await collect(lines(Readable.from(chunked(long, rng(3), 4)), { maxLineBytes: 10 }));
    assert.deepEqual(all, [
      { text: "a", end: 2 },
      { text: null, end: 33 },
      { text: "b", end: 35 },
      { text: null, end: 65 },
    ]);
    // Resuming past the overlong line reads on from there.
    assert.deepEqual(
      await collect(lines(Readable.from([long]), { maxLineBytes: 10, skip: 33 })),
      all.slice(2),
    );
  });
});
