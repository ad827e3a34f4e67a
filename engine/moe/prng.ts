/**
 * Seeded pseudo-random numbers (mulberry32), so every stage of training and every
 * seeded generation is reproducible bit for bit on one machine.
 */
import type { Rng } from "../random";

export { mulberry32, type Rng } from "../random";

/** Standard normal samples (Box-Muller) drawn from `rng`. */
export function normalSampler(rng: Rng): () => number {
  return () => {
    const u = Math.max(rng(), 1e-12);
    const v = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** 32-bit FNV-1a hash of a string; used for deterministic held-out splits. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
