import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { mulberry32 as rng } from "../random";
import { buildFmIndex } from "./build";
import { mergeIndexParts, parsePart } from "./build-parts";
import { FmError } from "./errors";
import { openFmIndex } from "./index";
import type { CorpusDoc } from "./text-collection";

const tmp = mkdtempSync(join(tmpdir(), "fm-parts-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Three domains of random words, about 60 KB: with 8 KB shards, a dozen shards. */
function corpus(seed: number): CorpusDoc[] {
  const r = rng(seed);
  const words = ["whale", "sea", "ship", "captain", "harpoon", "night", "storm", "sail", "deck", "rope"];
  return Array.from({ length: 240 }, (_, i) => ({
    id: `d${i}`,
    domain: ["books", "code", "mail"][i % 3],
    text: Array.from({ length: 40 + Math.floor(r() * 40) }, () => words[Math.floor(r() * words.length)]).join(
      " ",
    ),
    meta: { n: i },
  }));
}

const filesOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );

test("parts built apart and merged equal a one-machine build, byte for byte", async () => {
  const docs = corpus(1);
  const whole = join(tmp, "whole");
  await buildFmIndex({ docs, out: whole, maxShardBytes: 8192, workers: 0 });
  const parts = [1, 2, 3].map((i) => join(tmp, `part-${i}`));
  // Part 2 is built by worker threads: the part's content must not depend on build timing.
  for (const [i, out] of parts.entries())
    await buildFmIndex({
      docs,
      out,
      maxShardBytes: 8192,
      workers: i === 1 ? 2 : 0,
      part: { index: i + 1, of: 3 },
    });
  const wholeFiles = filesOf(whole);
  const shardFiles = Object.keys(wholeFiles).filter((f) => f.endsWith(".fmi"));
  assert.ok(shardFiles.length >= 9, `expected many shards, got ${shardFiles.length}`);
  // Each part holds every third shard (round robin in manifest order), and only those.
  for (const [i, dir] of parts.entries()) {
    const held = readdirSync(dir).filter((f) => f.endsWith(".fmi"));
    assert.deepEqual(
      held,
      shardFiles.filter((_, k) => k % 3 === i),
    );
  }
  const merged = join(tmp, "merged");
  mergeIndexParts({ parts: [parts[2], parts[0], parts[1]], out: merged });
  assert.deepEqual(filesOf(merged), wholeFiles);
  assert.equal(openFmIndex(merged).count("harpoon").count, openFmIndex(whole).count("harpoon").count);
});

test("merge refuses parts of other inputs or settings, missing and repeated parts", async () => {
  const docs = corpus(2);
  const part = async (
    name: string,
    index: number,
    over: Partial<Parameters<typeof buildFmIndex>[0]> = {},
  ) => {
    const out = join(tmp, name);
    await buildFmIndex({ docs, out, maxShardBytes: 8192, workers: 0, part: { index, of: 2 }, ...over });
    return out;
  };
  const p1 = await part("r1", 1);
  const p2 = await part("r2", 2);
  const other = await part("r2-other-input", 2, { docs: corpus(3) });
  const saRate = await part("r2-sa", 2, { saRate: 16 });
  const bigger = await part("r2-shards", 2, { maxShardBytes: 16384 });
  const refuses = (parts: string[], pattern: RegExp) =>
    assert.throws(
      () => mergeIndexParts({ parts, out: join(tmp, "never") }),
      (e: unknown) => e instanceof FmError && pattern.test(e.message),
    );
  refuses([p1, other], /differ in input/);
  refuses([p1, saRate], /differ in settings/);
  refuses([p1, bigger], /differ in settings/);
  refuses([p1], /missing part 2\/2/);
  refuses([p1, p1, p2], /part 1\/2 is given twice/);
  refuses([p1, join(tmp, "whole-not-there")], /no index part here/);
  assert.throws(() => readdirSync(join(tmp, "never")));
  mergeIndexParts({ parts: [p1, p2], out: join(tmp, "ok") });
  assert.throws(() => parsePart("0/3"), /--part must be i\/N/);
  assert.throws(() => parsePart("4/3"), /--part must be i\/N/);
  assert.deepEqual(parsePart("2/3"), { index: 2, of: 3 });
});
