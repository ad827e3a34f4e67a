/**
 * replaceDirAtomically: while a folder is replaced again and again, a reader in another process (resolving the
 * link once per load, as loadIndexFiles does) never finds the path without a whole index, manifest and data
 * of one version; the previous version is kept, older ones go. A plain folder (not yet a link) is replaced
 * without a moment where the path is missing either.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { exchangePaths, replaceDirAtomically } from "./replace-dir";

function build(dir: string, n: number): string {
  const tmp = path.join(dir, `idx.tmp-${n}`);
  mkdirSync(tmp);
  writeFileSync(path.join(tmp, "data.bin"), String(n).repeat(1000));
  writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify({ n }));
  return tmp;
}

test("a reader never sees the index path missing or half-replaced", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lmr-swap-"));
  try {
    const out = path.join(dir, "idx");
    // The reader reads until this file appears (a fixed time would be spent starting Node on a busy machine).
    const stop = path.join(dir, "stop");
    // The first build: the path becomes a link.
    replaceDirAtomically(build(dir, 0), out);
    // A reader in another process: opens the manifest, then the data, as fast as it can, and reports the
    // version of each whole load on its own line, until told to stop.
    const reader = spawn(
      process.execPath,
      [
        "-e",
        // As loadIndexFiles does: resolve the link once, then read the manifest and the data from that version.
        `const fs=require("fs");let reads=0,bad=0,missing=0,first="";
         while(!fs.existsSync(${JSON.stringify(stop)})){if(!fs.existsSync(${JSON.stringify(out)}+"/manifest.json"))missing++;try{const v=fs.realpathSync(${JSON.stringify(out)});const m=JSON.parse(fs.readFileSync(v+"/manifest.json","utf8"));
         const d=fs.readFileSync(v+"/data.bin","utf8");if(d!==String(m.n).repeat(1000))bad++;reads++;fs.writeSync(1,m.n+"\\n");}catch(e){bad++;first=first||String(e.message);}}
         console.log(JSON.stringify({reads,bad,missing,first}));`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let text = "";
    let onLine: (() => void) | null = null;
    reader.stdout.on("data", (c) => {
      text += c;
      onLine?.();
    });
    const done = new Promise((r) => reader.once("exit", r));
    /** Until the reader has finished a load of version n (so no load of an older version is in flight). */
    const loaded = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          const lines = text.split("\n");
          if (lines.slice(-3).includes(String(n)) || text.includes("{")) {
            onLine = null;
            resolve();
          }
        };
        onLine = check;
        check();
      });
    let swaps = 0;
    // The replacements start once the reader is reading (version 0), and go on for 1.2 s and 12 of them at least.
    await loaded(0);
    const end = Date.now() + 1200;
    while (Date.now() < end || swaps < 12) {
      const n = (swaps % 9) + 1;
      replaceDirAtomically(build(dir, n), out);
      swaps++;
      // The guarantee: a load that began before a replacement can finish before the next one (the previous
      // version is kept). Rebuilds are minutes apart in use; here the next one waits for a load of this one,
      // however slowly the reader is scheduled, and at least 50 ms.
      await Promise.all([loaded(n), new Promise((r) => setTimeout(r, 50))]);
    }
    writeFileSync(stop, "");
    await done;
    text = text.slice(text.indexOf("{"));
    const { reads, bad, missing, first } = JSON.parse(text) as {
      reads: number;
      bad: number;
      missing: number;
      first: string;
    };
    assert.ok(swaps >= 5 && reads > 100, `${swaps} replacements, ${reads} reads`);
    assert.equal(missing, 0, `checks that found the path without a manifest: ${missing} of ${reads}`);
    assert.equal(bad, 0, `loads that failed or mixed two versions: ${bad} of ${reads} (${first})`);
    assert.ok(lstatSync(out).isSymbolicLink());
    assert.equal(JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).n, ((swaps - 1) % 9) + 1);
    const versions = readdirSync(dir).filter((n) => n.startsWith("idx.v-"));
    assert.equal(versions.length, 2, "the current version and the previous one");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a plain folder is replaced by the link in one step: the path never lacks an index", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lmr-swap-plain-"));
  const fs = createRequire(import.meta.url)("node:fs") as typeof import("node:fs");
  const rename = fs.renameSync;
  try {
    const out = path.join(dir, "idx");
    // A plain folder, as an index built before links (or copied by hand) is.
    mkdirSync(out);
    writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ n: 0 }));
    writeFileSync(path.join(out, "data.bin"), "0".repeat(1000));
    const next = build(dir, 1);
    // After every rename the replacement makes, the path must hold a manifest.
    const gaps: string[] = [];
    fs.renameSync = (from, to) => {
      rename(from, to);
      if (!existsSync(path.join(out, "manifest.json"))) gaps.push(`${from} -> ${to}`);
    };
    syncBuiltinESMExports();
    try {
      replaceDirAtomically(next, out);
    } finally {
      fs.renameSync = rename;
      syncBuiltinESMExports();
    }
    assert.deepEqual(gaps, [], "renames after which the path had no index");
    assert.ok(lstatSync(out).isSymbolicLink());
    assert.equal(JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).n, 1);
    // The old folder is kept as the previous version (a reader of it can finish), nothing else is left over.
    const names = readdirSync(dir).sort();
    assert.equal(names.length, 3, names.join(", "));
    const before = names.find((n) => n.endsWith("-before"));
    assert.ok(before, names.join(", "));
    assert.equal(JSON.parse(readFileSync(path.join(dir, before, "manifest.json"), "utf8")).n, 0);
    // The next replacement drops it, as any previous version.
    replaceDirAtomically(build(dir, 2), out);
    assert.ok(!existsSync(path.join(dir, before)));
    assert.equal(JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).n, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("exchangePaths swaps a link and a folder (Linux renameat2)", {
  skip: process.platform !== "linux",
}, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lmr-exchange-"));
  try {
    mkdirSync(path.join(dir, "a"));
    writeFileSync(path.join(dir, "a", "f"), "a");
    mkdirSync(path.join(dir, "b"));
    writeFileSync(path.join(dir, "b", "f"), "b");
    assert.equal(exchangePaths(path.join(dir, "a"), path.join(dir, "b")), true);
    assert.equal(readFileSync(path.join(dir, "a", "f"), "utf8"), "b");
    assert.equal(readFileSync(path.join(dir, "b", "f"), "utf8"), "a");
    assert.throws(() => exchangePaths(path.join(dir, "missing"), path.join(dir, "a")), /errno 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
