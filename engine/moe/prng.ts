/**
 * Seeded pseudo-random numbers (mulberry32), so every stage of training and every
 * seeded generation is reproducible bit for bit on one machine.
 */
import type { Rng } from "../random";

export { fnv1a, mulberry32, type Rng } from "../random";

/** Standard normal samples (Box-Muller) drawn from `rng`. */
export function normalSampler(rng: Rng): () => number {
  return () => {
    const u = Math.max(rng(), 1e-12);
    const v = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
