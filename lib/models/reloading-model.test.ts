import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { manifestStamp, ReloadingModel } from "./reloading-model";

const dir = mkdtempSync(path.join(tmpdir(), "reloading-model-"));
after(() => rmSync(dir, { recursive: true, force: true }));

class Fake {
  retired = false;
  constructor(readonly version: string) {}
  retire() {
    this.retired = true;
  }
}

function writeManifest(text: string) {
  // As `moe expert install` does: a new file renamed over the old one.
  writeFileSync(path.join(dir, "manifest.json.tmp"), text);
  renameSync(path.join(dir, "manifest.json.tmp"), path.join(dir, "manifest.json"));
}

test("the model is loaded once while the manifest is unchanged, reloaded when it changes, and the old one retired", async () => {
  writeManifest('{"v":1}');
  let loads = 0;
  const holder = new ReloadingModel(async (d) => {
    loads++;
    return new Fake(
      await import("node:fs").then((fs) => fs.readFileSync(path.join(d, "manifest.json"), "utf8")),
    );
  });
  const a = await holder.get(dir);
  const a2 = await holder.get(dir);
  assert.equal(a, a2);
  assert.equal(loads, 1);
  writeManifest('{"v":2, "expert": "added"}');
  const b = await holder.get(dir);
  assert.equal(loads, 2);
  assert.equal(b.version, '{"v":2, "expert": "added"}');
  assert.equal(a.retired, true, "the replaced model is retired");
  assert.equal(b.retired, false);
});

test("a failed load is not cached: the next call loads again; the model before it is retired once a load succeeds", async () => {
  writeManifest('{"v":3}');
  let fail = false;
  const holder = new ReloadingModel(async () => {
    if (fail) throw new Error("corrupt");
    return new Fake("ok");
  });
  const before = await holder.get(dir);
  writeManifest('{"v":4}');
  fail = true;
  await assert.rejects(holder.get(dir), /corrupt/);
  await assert.rejects(holder.get(dir), /corrupt/);
  assert.equal(before.retired, false);
  fail = false;
  const m = await holder.get(dir);
  assert.notEqual(m, before);
  assert.equal(before.retired, true);
});

test("manifestStamp is null for a folder without a manifest and changes with every replacement", () => {
  const empty = mkdtempSync(path.join(tmpdir(), "reloading-model-empty-"));
  try {
    assert.equal(manifestStamp(empty), null);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  writeManifest("{}");
  const s1 = manifestStamp(dir);
  writeManifest("{}");
  assert.notEqual(manifestStamp(dir), s1, "same content, new file: a new stamp (new inode)");
});
