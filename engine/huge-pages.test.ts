import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { adviseHugePages, allocateHuge, hugePageMode } from "./huge-pages";

const MiB = 1024 * 1024;

/** AnonHugePages of this process, in kB. */
function anonHugeKb(): number {
  const m = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync("/proc/self/smaps_rollup", "utf8"));
  return m ? Number(m[1]) : 0;
}

test("a buffer too small to hold a whole huge page is not advised", () => {
  assert.equal(adviseHugePages(new Uint8Array(3 * MiB)), 0);
});

test("allocateHuge returns a zero-filled buffer of the size asked, shared when asked", () => {
  const a = allocateHuge(9 * MiB, true);
  assert.equal(a.byteLength, 9 * MiB);
  assert.ok(a.buffer instanceof SharedArrayBuffer);
  assert.equal(
    a.every((x) => x === 0),
    true,
  );
  assert.ok(!(allocateHuge(5 * MiB).buffer instanceof SharedArrayBuffer));
});

test("in madvise mode a large buffer gets 2 MiB pages once written, and ENGINE_HUGE_PAGES=0 turns it off", {
  skip: hugePageMode() !== "madvise" && "transparent huge pages are not in madvise mode here",
}, () => {
  // A 64 MiB buffer holds at least 31 whole aligned 2 MiB pages, whatever its start.
  const view = new Uint8Array(new ArrayBuffer(64 * MiB));
  const advised = adviseHugePages(view);
  assert.ok(advised > 60 * MiB && advised <= 64 * MiB, `advised ${advised} bytes`);
  const before = anonHugeKb();
  for (let i = 0; i < view.length; i += 4096) view[i] = 1;
  // The kernel may lack free 2 MiB frames at any moment, so at least some (not all) must be huge.
  assert.ok(anonHugeKb() - before >= 8 * 1024, "no huge pages after writing an advised buffer");
  // Off: a fresh process with the switch set advises nothing.
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      'import("./engine/huge-pages.ts").then((m) => console.log(m.adviseHugePages(new Uint8Array(64 << 20))))',
    ],
    { env: { ...process.env, ENGINE_HUGE_PAGES: "0" }, encoding: "utf8" },
  );
  assert.equal(out.trim(), "0");
});
