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

/** Label -> column, in first-seen order. */
function labelIndex(labels: Iterable<string>): Map<string, number> {
  const index = new Map<string, number>();
  for (const l of labels) if (!index.has(l)) index.set(l, index.size);
  return index;
}

/**
 * Fleiss' kappa in summed form (for the bootstrap over items): per item with 2+ ratings the row
 * [P_i, n_i, count of each label]; kappa = (mean P_i - sum_k p_k^2) / (1 - sum_k p_k^2). Equals `fleissKappa`.
 */
export function fleissUnits(items: readonly (readonly string[])[]) {
  const rated = items.filter((r) => r.length >= 2);
  const labels = labelIndex(rated.flat());
  const K = labels.size;
  const dim = 2 + K;
  const rows = new Float64Array(rated.length * dim);
  rated.forEach((r, i) => {
    const counts = new Float64Array(K);
    for (const l of r) counts[labels.get(l)!]++;
    let s = 0;
    for (const c of counts) s += c * (c - 1);
    rows[i * dim] = s / (r.length * (r.length - 1));
    rows[i * dim + 1] = r.length;
    rows.set(counts, i * dim + 2);
  });
  const items_ = rated.length;
  return {
    rows,
    dim,
    stat: (sums: Float64Array): number | null => {
      // The number of items is fixed under resampling.
      const ratings = sums[1];
      if (items_ === 0 || ratings === 0) return null;
      let pe = 0;
      for (let k = 0; k < K; k++) pe += (sums[2 + k] / ratings) ** 2;
      return pe === 1 ? null : (sums[0] / items_ - pe) / (1 - pe);
    },
  };
}

/** Cohen's kappa in summed form: each pair is one cell of the K x K table of (first, second) labels. */
export function cohenUnits(pairs: readonly (readonly [string, string])[]) {
  const labels = labelIndex(pairs.flat());
  const K = labels.size;
  const dim = K * K;
  const cells = new Int32Array(pairs.length);
  pairs.forEach(([x, y], i) => {
    cells[i] = labels.get(x)! * K + labels.get(y)!;
  });
  return {
    cells,
    dim,
    stat: (t: Float64Array): number | null => {
      let n = 0;
      let observed = 0;
      const a = new Float64Array(K);
      const b = new Float64Array(K);
      for (let i = 0; i < K; i++)
        for (let j = 0; j < K; j++) {
          const c = t[i * K + j];
          n += c;
          a[i] += c;
          b[j] += c;
          if (i === j) observed += c;
        }
      if (n === 0) return null;
      let pe = 0;
      for (let k = 0; k < K; k++) pe += (a[k] / n) * (b[k] / n);
      return pe === 1 ? null : (observed / n - pe) / (1 - pe);
    },
  };
}

/** The share of agreeing rating pairs in summed form: per item with 2+ ratings [pairs, agreeing pairs]. */
export function shareUnits(items: readonly (readonly string[])[]) {
  const rated = items.filter((r) => r.length >= 2);
  const rows = new Float64Array(rated.length * 2);
  rated.forEach((r, i) => {
    let pairs = 0;
    let agree = 0;
    for (let x = 0; x < r.length; x++)
      for (let y = x + 1; y < r.length; y++) {
        pairs++;
        if (r[x] === r[y]) agree++;
      }
    rows[2 * i] = pairs;
    rows[2 * i + 1] = agree;
  });
  return { rows, dim: 2, stat: (s: Float64Array) => (s[0] === 0 ? null : s[1] / s[0]) };
}
