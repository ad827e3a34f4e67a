/**
 * Inter-annotator agreement figures. Pure.
 *
 * - Share agreeing: over every pair of ratings of the same item, the share with the same label.
 * - Cohen's kappa (two raters): (po - pe) / (1 - pe), pe from each rater's own label frequencies.
 * - Fleiss' kappa (any number of raters per item, at least 2): (P̄ - P̄e) / (1 - P̄e), with P_i the share of
 *   agreeing rater pairs on item i and P̄e from the pooled label frequencies (items may have different
 *   numbers of raters: each item's P_i uses its own n_i, as in the common generalisation).
 * A kappa is null when it is undefined (no items, or chance agreement is 1).
 */

/** Share of agreeing rating pairs over items with at least two ratings; null when there are none. */
export function shareAgreeing(items: readonly (readonly string[])[]): number | null {
  let pairs = 0;
  let agree = 0;
  for (const ratings of items) {
    for (let i = 0; i < ratings.length; i++)
      for (let j = i + 1; j < ratings.length; j++) {
        pairs++;
        if (ratings[i] === ratings[j]) agree++;
      }
  }
  return pairs === 0 ? null : agree / pairs;
}

export function cohensKappa(pairs: readonly (readonly [string, string])[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let observed = 0;
  for (const [x, y] of pairs) {
    if (x === y) observed++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const po = observed / n;
  let pe = 0;
  for (const [label, ca] of a) pe += (ca / n) * ((b.get(label) ?? 0) / n);
  return pe === 1 ? null : (po - pe) / (1 - pe);
}

export function fleissKappa(items: readonly (readonly string[])[]): number | null {
  const rated = items.filter((r) => r.length >= 2);
  if (rated.length === 0) return null;
  const totals = new Map<string, number>();
  let ratings = 0;
  let sumP = 0;
  for (const r of rated) {
    const counts = new Map<string, number>();
    for (const label of r) {
      counts.set(label, (counts.get(label) ?? 0) + 1);
      totals.set(label, (totals.get(label) ?? 0) + 1);
    }
    ratings += r.length;
    let s = 0;
    for (const c of counts.values()) s += c * (c - 1);
    sumP += s / (r.length * (r.length - 1));
  }
  const pBar = sumP / rated.length;
  let pe = 0;
  for (const c of totals.values()) pe += (c / ratings) ** 2;
  return pe === 1 ? null : (pBar - pe) / (1 - pe);
}
