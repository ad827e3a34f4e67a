/**
 * The reading half of a paper import on its own (no database): batches carry the byte offset and line
 * count after their last line, and an import resumed from any batch's offset reads exactly the batches
 * that followed it, for plain and gzip files with "\r\n" breaks, an overlong line and a last line without
 * a break.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { type ReadBatch, type ReadOptions, readBatches } from "./import-reader";

const dir = mkdtempSync(join(tmpdir(), "import-reader-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const sample = readFileSync(join(import.meta.dirname, "sample-papers.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record<string, unknown>);

/** 14 records with distinct ids, an overlong line after the 5th, a blank line after the 9th. */
function records(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 14; i++) {
    out.push(JSON.stringify({ ...sample[i % sample.length], id: `paper-${i}` }));
    if (i === 4) out.push(JSON.stringify({ ...sample[0], id: "too-long", abstract: "x ".repeat(6000) }));
    if (i === 8) out.push("");
  }
  return out;
}

/** What a batch says, without the prepared passages. */
const summary = (b: ReadBatch) => ({
  ids: b.papers.map((p) => p.paper.id),
  hashes: b.papers.map((p) => p.hash),
  position: b.position,
  lines: b.lines,
  skipped: b.skipped,
});

async function read(file: string, gzip: boolean, from = { position: 0, lines: 0 }) {
  const opts: ReadOptions = {
    file,
    format: "jsonl",
    gzip,
    ...from,
    batchSize: 3,
    maxLineBytes: 8192,
    strict: false,
    provider: "sqlite",
  };
  const out = [];
  for await (const b of readBatches(opts)) out.push(summary(b));
  return out;
}

describe("readBatches", () => {
  const lines = records();
  const crlf = Buffer.from(lines.join("\r\n")); // the last line has no break
  const lf = Buffer.from(`${lines.join("\n")}\n`);

  for (const gzip of [false, true]) {
    it(`${gzip ? "gzip" : "plain"}: a "\\r\\n" file reads as its "\\n" twin, and offsets fall after each break`, async () => {
      const name = gzip ? "crlf.jsonl.gz" : "crlf.jsonl";
      writeFileSync(join(dir, name), gzip ? gzipSync(crlf) : crlf);
      writeFileSync(join(dir, `lf-${name}`), gzip ? gzipSync(lf) : lf);
      const batches = await read(join(dir, name), gzip);
      const twin = await read(join(dir, `lf-${name}`), gzip);
      assert.deepEqual(
        batches.map((b) => [b.ids, b.hashes, b.skipped]),
        twin.map((b) => [b.ids, b.hashes, b.skipped]),
      );
      assert.deepEqual(
        batches.flatMap((b) => b.ids),
        Array.from({ length: 14 }, (_, i) => `paper-${i}`),
      );
      assert.deepEqual(
        batches.flatMap((b) => b.skipped),
        ["line 6: longer than 8192 bytes"],
      );
      const last = batches.at(-1)!;
      assert.equal(last.position, crlf.length, "the last line, without a break, ends at the file's end");
      assert.equal(last.lines, lines.length);
      for (const b of batches.slice(0, -1)) {
        assert.equal(crlf.toString("latin1", b.position - 2, b.position), "\r\n", `offset ${b.position}`);
        assert.equal(crlf.subarray(0, b.position).toString().split("\r\n").length - 1, b.lines);
      }
    });

    it(`${gzip ? "gzip" : "plain"}: resumed from any batch's offset, the same batches follow`, async () => {
      const file = join(dir, gzip ? "resume.jsonl.gz" : "resume.jsonl");
      writeFileSync(file, gzip ? gzipSync(crlf) : crlf);
      const all = await read(file, gzip);
      assert.ok(all.length >= 5);
      for (let k = 0; k < all.length; k++) {
        const rest = await read(file, gzip, { position: all[k].position, lines: all[k].lines });
        assert.deepEqual(rest, all.slice(k + 1), `resumed after batch ${k} (offset ${all[k].position})`);
      }
    });
  }
});
