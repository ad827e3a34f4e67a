/**
 * Seeded pseudo-random numbers, reproducible bit for bit on every platform, and the FNV-1a hash that derives
 * seeds and deterministic splits from data. One type, `Rng`, and two generators, because each is what
 * recorded results were computed with: mulberry32 (32-bit state) for training, seeded generation,
 * tie-breaking and the random corpora of tests and benches; sfc32 (128-bit state, passes PractRand) for the
 * statistics' bootstraps (lib/ranking, lib/agreement), which draw millions of variates per leaderboard.
 */

/** A stream of uniform floats in [0, 1), 32 random bits each. */
export type Rng = () => number;

/** Uniform floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter generator) seeded from a 32-bit seed through splitmix32,
 * its first 12 outputs discarded (sfc32 mixes its state in a few rounds).
 */
export function sfc32(seed: number): Rng {
  let s = seed | 0;
  let a: number;
  let b: number;
  let c: number;
  [s, a] = splitmix32(s);
  [s, b] = splitmix32(s);
  [s, c] = splitmix32(s);
  let d = 1;
  const rng: Rng = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) rng();
  return rng;
}

/**
 * 32-bit FNV-1a over bytes, or over a string's UTF-16 code units (the same as its bytes when it is
 * ASCII). `seed` replaces the standard offset basis.
 */
export function fnv1a(data: Uint8Array | string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  if (typeof data === "string") {
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data.charCodeAt(i), 0x01000193) >>> 0;
  } else {
    for (const b of data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  }
  return h;
}
