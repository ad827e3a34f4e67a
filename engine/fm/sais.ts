/**
 * Suffix array construction by induced sorting (SA-IS).
 *
 * Reference: G. Nong, S. Zhang, W. H. Chan, "Two Efficient Algorithms for Linear Time Suffix Array
 * Construction", IEEE Trans. Computers 2011. This is a direct port of the authors' reference code,
 * specialised to Int32Array input so V8 keeps every loop monomorphic.
 *
 * Time: O(n). Space: the output array (4n bytes) plus n bytes of type flags and O(K) buckets per
 * recursion level; the reduced problem is solved inside the output array.
 */

/**
 * Sorts the suffixes of `s[0, n)`.
 *
 * pre: `s[n-1] === 0` and 0 occurs nowhere else (a unique smallest sentinel); every symbol is in
 * `[0, alphabetMax]`; `sa.length >= n`.
 * post: `sa[0, n)` holds the starting positions of the suffixes in lexicographic order (`sa[0] === n-1`).
 */
export function suffixArray(s: Int32Array, sa: Int32Array, n: number, alphabetMax: number): void {
  if (n === 0) return;
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  sais(s, 0, sa, n, alphabetMax);
}

function getBuckets(s: Int32Array, sOff: number, bkt: Int32Array, n: number, k: number, end: boolean): void {
  bkt.fill(0, 0, k + 1);
  for (let i = 0; i < n; i++) bkt[s[sOff + i]]++;
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += bkt[i];
    bkt[i] = end ? sum : sum - bkt[i];
  }
}

function induceL(
  t: Uint8Array,
  sa: Int32Array,
  s: Int32Array,
  sOff: number,
  bkt: Int32Array,
  n: number,
  k: number,
): void {
  getBuckets(s, sOff, bkt, n, k, false);
  for (let i = 0; i < n; i++) {
    const j = sa[i] - 1;
    if (j >= 0 && t[j] === 0) sa[bkt[s[sOff + j]]++] = j;
  }
}

function induceS(
  t: Uint8Array,
  sa: Int32Array,
  s: Int32Array,
  sOff: number,
  bkt: Int32Array,
  n: number,
  k: number,
): void {
  getBuckets(s, sOff, bkt, n, k, true);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i] - 1;
    if (j >= 0 && t[j] === 1) sa[--bkt[s[sOff + j]]] = j;
  }
}

/** s is read at s[sOff + i]; at the top level sOff = 0, in recursion s is `sa` itself. */
function sais(s: Int32Array, sOff: number, sa: Int32Array, n: number, k: number): void {
  // t[i] = 1 for S-type suffixes, 0 for L-type.
  const t = new Uint8Array(n);
  t[n - 1] = 1;
  if (n >= 2) t[n - 2] = 0;
  for (let i = n - 3; i >= 0; i--) {
    const a = s[sOff + i];
    const b = s[sOff + i + 1];
    t[i] = a < b || (a === b && t[i + 1] === 1) ? 1 : 0;
  }
  const isLms = (i: number) => i > 0 && t[i] === 1 && t[i - 1] === 0;

  // Stage 1: sort LMS substrings by induction.
  let bkt = new Int32Array(k + 1);
  getBuckets(s, sOff, bkt, n, k, true);
  sa.fill(-1, 0, n);
  for (let i = 1; i < n; i++) if (t[i] === 1 && t[i - 1] === 0) sa[--bkt[s[sOff + i]]] = i;
  induceL(t, sa, s, sOff, bkt, n, k);
  induceS(t, sa, s, sOff, bkt, n, k);

  // Compact the sorted LMS substrings into sa[0, n1).
  let n1 = 0;
  for (let i = 0; i < n; i++) if (isLms(sa[i])) sa[n1++] = sa[i];

  // Name the LMS substrings; equal substrings share a name.
  sa.fill(-1, n1, n);
  let name = 0;
  let prev = -1;
  for (let i = 0; i < n1; i++) {
    const pos = sa[i];
    let diff = false;
    for (let d = 0; d < n; d++) {
      if (prev === -1 || s[sOff + pos + d] !== s[sOff + prev + d] || t[pos + d] !== t[prev + d]) {
        diff = true;
        break;
      }
      if (d > 0 && (isLms(pos + d) || isLms(prev + d))) break;
    }
    if (diff) {
      name++;
      prev = pos;
    }
    sa[n1 + (pos >>> 1)] = name - 1;
  }
  for (let i = n - 1, j = n - 1; i >= n1; i--) if (sa[i] >= 0) sa[j--] = sa[i];

  // Stage 2: solve the reduced problem s1 = sa[n-n1, n), result in sa[0, n1).
  const s1Off = n - n1;
  if (name < n1) {
    sais(sa, s1Off, sa, n1, name - 1);
  } else {
    for (let i = 0; i < n1; i++) sa[sa[s1Off + i]] = i;
  }

  // Stage 3: induce the full order from the sorted LMS suffixes.
  bkt = new Int32Array(k + 1);
  getBuckets(s, sOff, bkt, n, k, true);
  for (let i = 1, j = 0; i < n; i++) if (isLms(i)) sa[s1Off + j++] = i;
  for (let i = 0; i < n1; i++) sa[i] = sa[s1Off + sa[i]];
  sa.fill(-1, n1, n);
  for (let i = n1 - 1; i >= 0; i--) {
    const j = sa[i];
    sa[i] = -1;
    sa[--bkt[s[sOff + j]]] = j;
  }
  induceL(t, sa, s, sOff, bkt, n, k);
  induceS(t, sa, s, sOff, bkt, n, k);
}
