import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mulberry32 as rng } from "../random";
import { suffixArray } from "./sais";

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
  }
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
