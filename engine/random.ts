/**
 * Seeded pseudo-random numbers (mulberry32): reproducible bit for bit, for training, seeded generation,
 * tie-breaking and the property tests and benches that draw random corpora; and the FNV-1a hash that
 * derives seeds and deterministic splits from data.
 */
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
