/**
 * The router ablation's tuning (`moe ablate-router`) changes router rows and biases only: the experts'
 * files and checksums stay as they were, a tuned bias stays <= 0, and an owner's tuning (`only`) leaves
 * every other expert's router untouched. On the training samples the tuned router costs fewer bits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PUBLIC_DOMAIN } from "./config";
import { DEFAULT_MODEL_DIR } from "./index";
import { readVerifiedModel } from "./manifest";
import { tuneRouter } from "./router-ablation";

const TUNING = { sampleBytes: 4096, steps: 12, batch: 4, lr: 1e-2, seed: 7 };

/** 4 KB of distinct text per expert: the model's own samples are not needed for these properties. */
function samples(ids: string[]): Uint8Array[] {
  return ids.map((id, i) =>
    new TextEncoder().encode(
      Array.from(
        { length: 200 },
        (_, j) => `${id} line ${j * (i + 3)}: ${"abcdefghij".slice(0, (j % 9) + 1)}\n`,
      )
        .join("")
        .slice(0, 4096),
    ),
  );
}

test("an owner's tuning changes only its own router; the files stay the model's", async () => {
  const { manifest, files } = readVerifiedModel(DEFAULT_MODEL_DIR);
  const own = manifest.experts[1]?.id as string;
  const r = await tuneRouter(manifest, files, samples([own, PUBLIC_DOMAIN]), TUNING, () => {}, own);
  assert.deepEqual(r.manifest.files, manifest.files);
  for (const [i, e] of r.manifest.experts.entries()) {
    const before = manifest.experts[i];
    if (e.id === own) {
      assert.notDeepEqual(e.router.rows, before?.router.rows, "its rows were trained");
      for (const b of e.router.bias) assert.ok(b <= 0, `bias ${b} > 0`);
    } else assert.deepEqual(e.router, before?.router, `${e.id}'s router must not change`);
  }
});

test("joint tuning trains every router and lowers the loss on its samples", async () => {
  const { manifest, files } = readVerifiedModel(DEFAULT_MODEL_DIR);
  const data = samples(manifest.experts.map((e) => e.id));
  const r = await tuneRouter(manifest, files, data, { ...TUNING, steps: 30 }, () => {});
  for (const [i, e] of r.manifest.experts.entries())
    assert.notDeepEqual(e.router.rows, manifest.experts[i]?.router.rows, `${e.id}'s rows were trained`);
  assert.ok(r.lastLossBits < r.firstLossBits, `${r.firstLossBits} -> ${r.lastLossBits}`);
});
