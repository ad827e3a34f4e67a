import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { mulberry32 as rng } from "../random";
import { buildFmIndex } from "./build";
import { buildShard, type ShardInput, type ShardScratch } from "./build-shard";
import { suffixArray } from "./sais";
import { nativeSorterMissing, nativeSuffixSorter } from "./sais-native";
import { SaisArena, suffixArrayWasm } from "./sais-wasm";
import type { CorpusDoc } from "./text-collection";

// The WebAssembly sorter must be used by everything below, including build workers (which inherit the
// environment): a fallback to the JavaScript sorter is then an error instead of a silent slowdown.
process.env.FM_SAIS = "wasm";
/** One instance for the many small cases (as a build worker reuses its arena across shards). */
const arena = SaisArena.create()!;

/** Suffix array by sorting the suffixes with direct comparisons: O(n^2 log n), for short strings. */
function naiveSa(s: ArrayLike<number>): Int32Array {
  const n = s.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    while (a < n && b < n) {
      if (s[a] !== s[b]) return s[a] - s[b];
      a++;
      b++;
    }
    return a === n ? -1 : 1;
  });
  return Int32Array.from(idx);
}

/** Suffix array by prefix doubling (rank pairs, O(n log^2 n)), an independent reference for long strings. */
function doublingSa(s: ArrayLike<number>): Int32Array {
  const n = s.length;
  let rank = Float64Array.from(s);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let h = 1; ; h *= 2) {
    const key = (i: number) => (i + h < n ? rank[i + h] : -1);
    idx.sort((a, b) => rank[a] - rank[b] || key(a) - key(b));
    const next = new Float64Array(n);
    for (let i = 1; i < n; i++) {
      const a = idx[i - 1];
      const b = idx[i];
      next[b] = next[a] + (rank[a] !== rank[b] || key(a) !== key(b) ? 1 : 0);
    }
    rank = next;
    if (next[idx[n - 1]] === n - 1) break;
  }
  return Int32Array.from(idx);
}

/** `body` (symbols >= 1) followed by the sentinel 0, in the narrowest array type that holds `alphabetMax`. */
function withSentinel(
  body: number[],
  alphabetMax: number,
  type?: "u8" | "u16" | "i32",
): Uint8Array | Uint16Array | Int32Array {
  const t = type ?? (alphabetMax < 256 ? "u8" : alphabetMax < 65536 ? "u16" : "i32");
  const all = [...body, 0];
  return t === "u8" ? Uint8Array.from(all) : t === "u16" ? Uint16Array.from(all) : Int32Array.from(all);
}

function check(body: number[], alphabetMax: number, label: string, reference = naiveSa) {
  const want = reference([...body, 0]);
  for (const type of ["u8", "u16", "i32"] as const) {
    if (type === "u8" && alphabetMax > 255) continue;
    if (type === "u16" && alphabetMax > 65535) continue;
    const s = withSentinel(body, alphabetMax, type);
    const sa = new Int32Array(s.length + 3).fill(-7); // longer than n: only sa[0, n) may change
    suffixArray(s, sa, s.length, alphabetMax);
    assert.deepEqual(sa.subarray(0, s.length), want, `${label} (${type}, n=${s.length})`);
    assert.deepEqual(Array.from(sa.subarray(s.length)), [-7, -7, -7], `${label}: wrote past n`);
    sa.fill(-7);
    suffixArrayWasm(s, sa, s.length, alphabetMax, arena);
    assert.deepEqual(sa.subarray(0, s.length), want, `${label} (${type}, n=${s.length}, wasm)`);
    assert.deepEqual(Array.from(sa.subarray(s.length)), [-7, -7, -7], `${label}: wrote past n (wasm)`);
  }
}

/** The JavaScript sorter (the reference, tested above against naive sorting) against the WebAssembly one. */
function checkAgainstJs(s: Uint8Array | Uint16Array | Int32Array, alphabetMax: number, label: string) {
  const n = s.length;
  const want = new Int32Array(n);
  suffixArray(s, want, n, alphabetMax);
  const got = new Int32Array(n);
  suffixArrayWasm(s, got, n, alphabetMax, arena);
  for (let i = 0; i < n; i++) if (got[i] !== want[i]) assert.fail(`${label} (n=${n}): rows differ at ${i}`);
}

function textOf(type: "u8" | "u16" | "i32", body: ArrayLike<number>) {
  const n = body.length + 1;
  const s = type === "u8" ? new Uint8Array(n) : type === "u16" ? new Uint16Array(n) : new Int32Array(n);
  s.set(body as ArrayLike<number>);
  s[n - 1] = 0;
  return s;
}

function fibonacci(n: number): number[] {
  let a = [1];
  let b = [2, 1];
  while (b.length < n) [a, b] = [b, [...b, ...a]];
  return b.slice(0, n);
}

function thueMorse(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 + (bitCount(i) & 1));
}

function bitCount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

describe("suffixArray (SA-IS)", () => {
  test("length 1 and 2", () => {
    const sa = new Int32Array(1);
    suffixArray(Uint8Array.of(0), sa, 1, 0);
    assert.deepEqual(sa, Int32Array.of(0));
    check([1], 1, "one symbol");
    check([5], 9, "one symbol, larger alphabet");
  });

  test("random strings over small and large alphabets, short lengths exhaustively sampled", () => {
    const rand = rng(7);
    for (let round = 0; round < 600; round++) {
      const n = 1 + Math.floor(rand() * (round < 300 ? 12 : 200));
      const sigma = [1, 2, 3, 4, 26, 255, 300, 70000][round % 8];
      const body = Array.from({ length: n }, () => 1 + Math.floor(rand() * sigma));
      check(body, sigma, `random sigma=${sigma}`);
    }
  });

  test("all-equal runs, periodic strings, Fibonacci and Thue-Morse strings", () => {
    for (const n of [1, 2, 3, 4, 5, 8, 31, 64, 257, 1000]) {
      check(Array(n).fill(1), 1, `a^${n}`);
      check(Array(n).fill(200), 200, `high symbol ^${n}`);
      check(
        Array.from({ length: n }, (_, i) => 1 + (i % 2)),
        2,
        `(ab)^${n / 2}`,
      );
      check(
        Array.from({ length: n }, (_, i) => 1 + (i % 3)),
        3,
        `(abc)^${n / 3}`,
      );
      check(
        Array.from({ length: n }, (_, i) => 3 - (i % 3)),
        3,
        `(cba)^${n / 3}`,
      );
      check(fibonacci(n), 2, `Fibonacci ${n}`);
      check(thueMorse(n), 2, `Thue-Morse ${n}`);
    }
  });

  test("long strings that force deep recursion (checked against prefix doubling)", () => {
    const rand = rng(11);
    const cases: [string, number[], number][] = [
      ["Fibonacci 30000", fibonacci(30000), 2],
      ["a^20000", Array(20000).fill(1), 1],
      [
        "(abaab)^4000 with rare changes",
        Array.from({ length: 20000 }, (_, i) => (i % 997 === 0 ? 3 : [1, 2, 1, 1, 2][i % 5])),
        3,
      ],
      ["Thue-Morse 32768", thueMorse(32768), 2],
      ["random blocks repeated", Array.from({ length: 30000 }, (_, i) => 1 + (((i * 7919) % 613) % 4)), 4],
      ["random binary 30000", Array.from({ length: 30000 }, () => 1 + Math.floor(rand() * 2)), 2],
    ];
    for (const [label, body, sigma] of cases) check(body, sigma, label, doublingSa);
  });

  test("the top-level shape: bytes as b + 2, document separators 1, sentinel 0, alphabet 258", () => {
    const rand = rng(3);
    for (let round = 0; round < 40; round++) {
      const body: number[] = [];
      const docs = 1 + Math.floor(rand() * 8);
      for (let d = 0; d < docs; d++) {
        const len = Math.floor(rand() * (round % 2 === 0 ? 60 : 400));
        // Even rounds: few distinct bytes (long repeats); odd rounds: every byte value.
        for (let i = 0; i < len; i++)
          body.push(2 + (round % 2 === 0 ? [0, 97, 255][Math.floor(rand() * 3)] : Math.floor(rand() * 256)));
        body.push(1);
      }
      check(body, 257, `documents round ${round}`);
    }
  });
});

describe("suffixArray on WebAssembly (engine/fm/wasm/sais.as.ts) against the JavaScript sorter", () => {
  test("n = 1 and 2", () => {
    for (const type of ["u8", "u16", "i32"] as const) {
      const sa = new Int32Array(2).fill(-7);
      suffixArrayWasm(textOf(type, []), sa, 1, 0, arena);
      assert.deepEqual(Array.from(sa), [0, -7]);
      suffixArrayWasm(textOf(type, [1]), sa, 2, 1, arena);
      assert.deepEqual(Array.from(sa), [1, 0]);
    }
  });

  test("random texts over small and large alphabets, one, two and four bytes per symbol", () => {
    const rand = rng(21);
    for (const n of [1000, 100_000, 400_000]) {
      for (const sigma of [1, 2, 4, 26, 254]) {
        const body = Array.from({ length: n }, () => 1 + Math.floor(rand() * sigma));
        checkAgainstJs(textOf("u8", body), sigma, `u8 random sigma=${sigma}`);
      }
      for (const sigma of [300, 65535]) {
        const body = Array.from({ length: n }, () => 1 + Math.floor(rand() * sigma));
        checkAgainstJs(textOf("u16", body), sigma, `u16 random sigma=${sigma}`);
      }
      const body = Array.from({ length: n }, () => 1 + Math.floor(rand() * 1_000_000));
      checkAgainstJs(textOf("i32", body), 1_000_000, "i32 random sigma=1e6");
    }
  });

  test("one symbol, periodic, Fibonacci, Thue-Morse: deep recursion", () => {
    for (const n of [100_000, 300_001]) {
      checkAgainstJs(textOf("u8", Array(n).fill(1)), 1, "a^n");
      checkAgainstJs(textOf("u8", Array(n).fill(255)), 255, "highest symbol ^n");
      checkAgainstJs(textOf("u16", Array(n).fill(65535)), 65535, "highest two-byte symbol ^n");
      for (const p of [2, 3, 7, 1000])
        checkAgainstJs(
          textOf(
            "u8",
            Array.from({ length: n }, (_, i) => 1 + (((i * 7) % p) % 250)),
          ),
          250,
          `period ${p}`,
        );
      checkAgainstJs(textOf("u8", fibonacci(n)), 2, "Fibonacci");
      checkAgainstJs(textOf("u8", thueMorse(n)), 2, "Thue-Morse");
    }
  });

  test("LMS counts around the naming block (256) and recursion without room for its buckets in SA", () => {
    const rand = rng(5);
    // x 1 x 1 x 1 ...: an LMS position every second symbol (m ~ n/2, so SA has almost no free room) with
    // few names (buckets share one array inside SA) or many (they are allocated past the text).
    for (const sigma of [3, 40, 250]) {
      for (const m of [255, 256, 257, 511, 512, 513, 5000, 100_000]) {
        const body: number[] = [];
        for (let i = 0; i < m; i++) body.push(2 + Math.floor(rand() * (sigma - 1)), 1);
        checkAgainstJs(textOf("u8", body), sigma, `alternating sigma=${sigma} m=${m}`);
      }
    }
    // Names that repeat with long periods: recursion over Int32 names several levels deep.
    const body = Array.from({ length: 200_000 }, (_, i) => (i % 2 === 1 ? 1 : 2 + (((i * 7919) % 613) % 3)));
    checkAgainstJs(textOf("u8", body), 4, "alternating, periodic names");
  });

  test("a larger text after a smaller one and the other way (the memory is reused and grown)", () => {
    const rand = rng(9);
    for (const n of [5000, 600_000, 2000, 1_200_000, 10]) {
      const body = Array.from({ length: n }, () => 1 + Math.floor(rand() * 5));
      checkAgainstJs(textOf("u8", body), 5, `random n=${n}`);
    }
  });
});

/** Why the native sorter's tests cannot run here; `npm test` installs libdivsufsort3 when run as root. */
const noNative = nativeSorterMissing();

describe("libdivsufsort (sais-native.ts) against the WebAssembly sorter", { skip: noNative ?? false }, () => {
  /** SA of a one-byte text (symbols >= 1, a 0 appended) by both sorters, compared. */
  function checkNative(body: ArrayLike<number>, label: string): void {
    const t = textOf("u8", Array.from(body)) as Uint8Array;
    const n = t.length;
    const got = new Int32Array(n);
    nativeSuffixSorter()!(t, got, n);
    const want = new Int32Array(n);
    suffixArrayWasm(t, want, n, 255, arena);
    assert.deepEqual(got, want, label);
  }

  test("random, periodic, one-symbol, Fibonacci and separator-heavy texts", () => {
    const rand = rng(33);
    for (const n of [1, 2, 3, 1000, 250_000]) {
      for (const sigma of [1, 2, 5, 255]) {
        checkNative(
          Array.from({ length: n }, () => 1 + Math.floor(rand() * sigma)),
          `random n=${n} sigma=${sigma}`,
        );
      }
    }
    checkNative(Array(200_000).fill(1), "separators only");
    checkNative(fibonacci(200_000), "Fibonacci");
    checkNative(
      Array.from({ length: 200_000 }, (_, i) => (i % 37 === 36 ? 1 : 2 + (i % 5))),
      "documents of 36 bytes, each followed by a separator",
    );
  });

  test("buildShard sorts one-byte texts natively, two-byte ones with WebAssembly, same files", () => {
    const enc = new TextEncoder();
    const rand = rng(41);
    const narrow = Array.from({ length: 30 }, (_, d) =>
      enc.encode(Array.from({ length: 100 + d * 97 }, () => "abcab\n"[Math.floor(rand() * 6)]).join("")),
    );
    const wide = [...narrow, Uint8Array.from({ length: 256 }, (_, i) => i)];
    sameShardFile(narrow, [undefined, "native"], ["wasm", "wasm"]);
    sameShardFile(wide, [undefined, "wasm"], ["wasm", "wasm"]);
  });
});

/**
 * Builds a shard of `bytes` under each FM_SAIS setting (undefined: unset), checks which sorter each build
 * used and that both wrote the same file. Leaves FM_SAIS=wasm, as this file runs.
 */
function sameShardFile(
  bytes: Uint8Array[],
  ...runs: [mode: string | undefined, sorter: ShardScratch["sorter"]][]
): void {
  const files = runs.map(([mode, sorter]) => {
    if (mode === undefined) delete process.env.FM_SAIS;
    else process.env.FM_SAIS = mode;
    try {
      const scratch: ShardScratch = {};
      const built = buildShard(buildInput(bytes), undefined, scratch);
      assert.equal(scratch.sorter, sorter, `FM_SAIS=${mode ?? "(unset)"}`);
      return built.bytes;
    } finally {
      process.env.FM_SAIS = "wasm";
    }
  });
  for (const f of files.slice(1)) assert.deepEqual(f, files[0]);
}

/** A shard's input: the documents' bytes, each followed by a free slot, then the sentinel's. */
function buildInput(bytes: Uint8Array[]): ShardInput {
  const n = bytes.reduce((s, b) => s + b.length + 1, 0) + 1;
  const text = new Uint8Array(n);
  let p = 0;
  for (const b of bytes) {
    text.set(b, p);
    p += b.length + 1;
  }
  const meta = new TextEncoder().encode(bytes.map((_, i) => `{"id":"${i}"}`).join(""));
  return {
    name: "t",
    domain: "t",
    text,
    docLengths: Uint32Array.from(bytes, (b) => b.length),
    metaJson: meta,
    metaOffsets: Uint32Array.from({ length: bytes.length + 1 }, (_, i) => (i * meta.length) / bytes.length),
  };
}

describe("the index build sorts with WebAssembly", () => {
  const tmp = mkdtempSync(join(tmpdir(), "sais-test-"));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const rand = rng(17);
  const docs: CorpusDoc[] = Array.from({ length: 40 }, (_, d) => ({
    id: `d${d}`,
    domain: d % 3 === 0 ? "code" : "mail",
    text: Array.from({ length: 200 + Math.floor(rand() * 3000) }, () =>
      String.fromCharCode(d % 5 === 0 ? 0x3b1 + Math.floor(rand() * 40) : 97 + Math.floor(rand() * 6)),
    ).join(""),
  }));

  test("buildShard: WebAssembly for one- and two-byte texts, same file as with the JavaScript sorter", () => {
    const enc = new TextEncoder();
    const narrow = docs.map((d) => enc.encode(d.text as string));
    // Every byte value: more than 254 symbols, so two bytes per symbol.
    const wide = [...narrow, Uint8Array.from({ length: 256 }, (_, i) => i)];
    for (const bytes of [narrow, wide]) sameShardFile(bytes, ["wasm", "wasm"], ["js", "js"]);
  });

  test("buildFmIndex with worker threads (FM_SAIS=wasm makes a fallback fail the build)", async () => {
    await buildFmIndex({ docs, out: join(tmp, "wasm"), workers: 2, maxShardBytes: 20_000 });
    process.env.FM_SAIS = "js";
    try {
      await buildFmIndex({ docs, out: join(tmp, "js"), workers: 0, maxShardBytes: 20_000 });
    } finally {
      process.env.FM_SAIS = "wasm";
    }
    const files = readdirSync(join(tmp, "js")).sort();
    assert.deepEqual(readdirSync(join(tmp, "wasm")).sort(), files);
    assert.ok(files.length > 3);
    for (const f of files)
      assert.deepEqual(readFileSync(join(tmp, "wasm", f)), readFileSync(join(tmp, "js", f)), f);
  });
});
