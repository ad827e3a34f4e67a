/**
 * Exact binomial and multinomial samplers for reproducible bootstraps, drawing from an `Rng` of
 * engine/random.ts (the bootstraps seed it with `sfc32`). Same seed, same draws, on every platform.
 */
import type { Rng } from "@/engine/random";

export { type Rng, sfc32 } from "@/engine/random";

/** log(k!) - Stirling's approximation, exact table for k < 10 (Hörmann 1993, "fc"). */
const STIRLING_TABLE = [
  0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509, 0.01664469118982119,
  0.01387612882307075, 0.01189670994589177, 0.01041126526197209, 0.009255462182712733, 0.008330563433362871,
];
function stirlingCorrection(k: number): number {
  if (k < 10) return STIRLING_TABLE[k];
  const r = 1 / (k + 1);
  const rr = r * r;
  return (1 / 12 - (1 / 360 - rr / 1260) * rr) * r;
}

/**
 * Binomial(n, p) variate. Inversion by sequential search when n*min(p,1-p) < 10 (expected O(np) uniforms),
 * otherwise Hörmann's BTRD transformed rejection (W. Hörmann, "The generation of binomial random
 * variates", J. Statist. Comput. Simul. 46, 1993), O(1) expected time for any n.
 */
export function sampleBinomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(rng, n, 1 - p);
  if (n * p < 10) return binomialInversion(rng, n, p);
  return binomialBtrd(rng, n, p);
}

function binomialInversion(rng: Rng, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  for (;;) {
    let r = q ** n;
    let u = rng();
    let x = 0;
    let ok = true;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) {
        ok = false; // numerical leftover mass; retry
        break;
      }
      r *= a / x - s;
    }
    if (ok) return x;
  }
}

function binomialBtrd(rng: Rng, n: number, p: number): number {
  const q = 1 - p;
  const m = Math.floor((n + 1) * p);
  const r = p / q;
  const nr = (n + 1) * r;
  const npq = n * p * q;
  const spq = Math.sqrt(npq);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const alpha = (2.83 + 5.1 / b) * spq;
  const vr = 0.92 - 4.2 / b;
  const urvr = 0.86 * vr;
  for (;;) {
    let v = rng();
    let u: number;
    if (v <= urvr) {
      u = v / vr - 0.43;
      return Math.floor(((2 * a) / (0.5 - Math.abs(u)) + b) * u + c);
    }
    if (v >= vr) {
      u = rng() - 0.5;
    } else {
      u = v / vr - 0.93;
      u = Math.sign(u) * 0.5 - u;
      v = rng() * vr;
    }
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    v = (v * alpha) / (a / (us * us) + b);
    const km = Math.abs(k - m);
    if (km <= 15) {
      // Recursive evaluation of f(k)/f(m).
      let f = 1;
      if (m < k) {
        for (let i = m + 1; i <= k; i++) f *= nr / i - r;
      } else if (m > k) {
        for (let i = k + 1; i <= m; i++) v *= nr / i - r;
      }
      if (v <= f) return k;
      continue;
    }
    // Squeeze with the normal approximation of log f(k)/f(m).
    v = Math.log(v);
    const rho = (km / npq) * (((km / 3 + 0.625) * km + 1 / 6) / npq + 0.5);
    const t = (-km * km) / (2 * npq);
    if (v < t - rho) return k;
    if (v > t + rho) continue;
    const nm = n - m + 1;
    const h = (m + 0.5) * Math.log((m + 1) / (r * nm)) + stirlingCorrection(m) + stirlingCorrection(n - m);
    const nk = n - k + 1;
    if (
      v <=
      h +
        (n + 1) * Math.log(nm / nk) +
        (k + 0.5) * Math.log((nk * r) / (k + 1)) -
        stirlingCorrection(k) -
        stirlingCorrection(n - k)
    ) {
      return k;
    }
  }
}

/**
 * Multinomial(total, weights / sum(weights)) by conditional binomials; writes counts into `out`.
 * Time: O(cells) binomial draws, independent of `total`.
 */
export function sampleMultinomial(
  rng: Rng,
  total: number,
  weights: ArrayLike<number>,
  out: Float64Array = new Float64Array(weights.length),
): Float64Array {
  let mass = 0;
  for (let i = 0; i < weights.length; i++) mass += weights[i];
  let remaining = total;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (remaining <= 0 || w <= 0 || mass <= 0) {
      out[i] = 0;
    } else if (i === weights.length - 1 || w >= mass) {
      out[i] = remaining;
      remaining = 0;
    } else {
      const x = sampleBinomial(rng, remaining, w / mass);
      out[i] = x;
      remaining -= x;
    }
    mass -= w;
  }
  return out;
}
