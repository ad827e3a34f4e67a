/**
 * Suffix array construction by induced sorting (SA-IS).
 *
 * The algorithm is Nong, Zhang and Chan's ("Two Efficient Algorithms for Linear Time Suffix Array
 * Construction", IEEE Trans. Computers 2011); the engineering follows the ideas of Yuta Mori's sais-lite:
 *   - No type array. An entry of SA carries, in its sign, whether the suffix before it must be induced in
 *     the current pass; that is decided when the entry is written, by comparing s[j-1] with s[j] (adjacent,
 *     one cache line), so induction does one random text read per element instead of two (text and types),
 *     and the n bytes of flags are gone.
 *   - The bucket pointer of the current character lives in a local while the character repeats.
 *   - LMS positions are found by scanning runs of non-increasing / non-decreasing characters; LMS substrings
 *     are named by comparing their lengths first, then their characters (equal characters and equal length
 *     imply equal types, because both substrings end in an S-type position).
 *   - The reduced problem and its buckets live inside SA: the reduced string in SA[n-m, n), its suffix
 *     array in SA[0, m) and, when there is room, its bucket arrays in the free space between the two.
 *
 * Texts are Uint8Array or Uint16Array at the top level (1 or 2 bytes per symbol) and Int32Array in the
 * recursion (names can exceed 2^16). V8 compiles a function that has seen several array types into slower
 * polymorphic loads, so the code is written once in `createSais` and instantiated once per text type
 * (`kernelFor`): as compiled from this file for Int32Array (the recursion), and as a copy compiled from the
 * same source text for each narrower type, each with its own type feedback. This sorter is the reference
 * and fallback of the WebAssembly one (`sais-wasm.ts`), which builds use.
 *
 * Time O(n). Space: the text, SA (4n bytes) and O(alphabet) buckets at the top level; the recursion works
 * inside SA and allocates only when its alphabet does not fit in the free part of SA (then 4 bytes per name).
 */

type Text = Uint8Array | Uint16Array | Int32Array;
type Kernel = (
  T: Text,
  SA: Int32Array,
  n: number,
  k: number,
  C: Int32Array,
  B: Int32Array,
  recurse: Kernel,
) => void;

/**
 * Sorts the suffixes of `s[0, n)`.
 *
 * pre: `s[n-1] === 0` and 0 occurs nowhere else (a unique smallest sentinel); every symbol is in
 * `[0, alphabetMax]`; `sa.length >= n`.
 * post: `sa[0, n)` holds the starting positions of the suffixes in lexicographic order (`sa[0] === n-1`).
 */
export function suffixArray(s: Text, sa: Int32Array, n: number, alphabetMax: number): void {
  if (n === 0) return;
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  const k = alphabetMax + 1;
  const view = sa.length === n ? sa : sa.subarray(0, n);
  kernelFor(s)(s, view, n, k, new Int32Array(k), new Int32Array(k), kernelFor(view));
}

/**
 * The SA-IS kernel and its helpers, self-contained (no reference to anything outside this function) so
 * that its source text can be compiled a second time. Entries of SA during induction:
 *   L pass: j > 0  -> suffix j's predecessor j-1 is L-type and is induced now; ~j -> left for the S pass.
 *   S pass: j > 0  -> j-1 is S-type and is induced now; ~j -> done.
 * Each pass flips the sign of what it leaves behind, so the final SA comes out with plain positions.
 */
function createSais(): Kernel {
  /** LMS positions per block when naming (see nameLms). */
  const NAME_BLOCK = 256;
  /** Keeps the values of reads that only warm the cache, so the compiler cannot drop them. */
  const sink = { touched: 0 };

  /** B[c] = start (end = false) or end of bucket c. Recounts the text when the counts share B's memory. */
  function buckets(T: Text, C: Int32Array, B: Int32Array, n: number, k: number, end: boolean): void {
    if (C === B) {
      B.fill(0, 0, k);
      for (let i = 0; i < n; i++) B[T[i]]++;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const x = C[c];
      sum += x;
      B[c] = end ? sum : sum - x;
    }
  }

  /**
   * Visits the LMS positions right to left (the sentinel n-1 first) by skipping runs: from an L-type
   * position, left while s[i-1] >= s[i] (still L); then one S-type step; then left while s[i-1] <= s[i]
   * (still S); the position where that stops is LMS. mode 0: put each at the end of its bucket (B = ends);
   * mode 1: write them in text order into SA[n-m, n); mode 2: store each one's LMS-substring length
   * (through the next LMS position, inclusive) at SA[base + (p >> 1)]. Returns m, the number of LMS
   * positions. Time O(n).
   */
  function scanLms(T: Text, SA: Int32Array, B: Int32Array, n: number, mode: number, base: number): number {
    let m = 0;
    let next = n - 1;
    const emit = (p: number) => {
      if (mode === 0) SA[--B[T[p]]] = p;
      else if (mode === 1) SA[n - 1 - m] = p;
      else {
        SA[base + (p >> 1)] = next - p + 1;
        next = p;
      }
      m++;
    };
    emit(n - 1);
    // s[n-2] > s[n-1] (the sentinel is the unique smallest), so n-2 is L-type.
    let i = n - 2;
    let c = T[i];
    while (i > 0) {
      let p = T[i - 1];
      while (p >= c) {
        i--;
        c = p;
        if (i === 0) return m;
        p = T[i - 1];
      }
      i--;
      c = p;
      if (i === 0) return m;
      p = T[i - 1];
      while (p <= c) {
        i--;
        c = p;
        if (i === 0) return m;
        p = T[i - 1];
      }
      emit(i);
      i--;
      c = p;
    }
    return m;
  }

  /**
   * Induces L-type then S-type suffixes from the seeds (positive entries at the bucket ends). With
   * `clear`, every processed entry is zeroed, so that afterwards only the LMS suffixes induced by the S
   * pass remain, as ~p, in LMS-substring order (stage 1); otherwise SA ends up holding the sorted suffixes
   * (stage 3). Time O(n).
   */
  function induce(
    T: Text,
    SA: Int32Array,
    C: Int32Array,
    B: Int32Array,
    n: number,
    k: number,
    clear: boolean,
  ) {
    // The predecessor's type becomes a sign mask by arithmetic ((x - y) >> 31 is -1 iff x < y; symbols are
    // small), not by a branch that the text's irregular types would make mispredict about half the time.
    buckets(T, C, B, n, k, false);
    let c1 = 0;
    let b = B[0];
    for (let i = 0; i < n; i++) {
      const e = SA[i];
      // Left behind: stage 1 keeps only the entries for the S pass (~e for e < 0), stage 3 flips them all.
      SA[i] = clear ? ~e & (e >> 31) : ~e;
      if (e > 0) {
        const j = e - 1;
        const c0 = T[j];
        if (c0 !== c1) {
          B[c1] = b;
          c1 = c0;
          b = B[c0];
        }
        // j is L-type; its predecessor is S-type iff s[j-1] < s[j]: then ~j. (j = 0: T[0] - c0 = 0, j.)
        SA[b++] = j ^ ((T[j > 0 ? j - 1 : 0] - c0) >> 31);
      }
    }
    buckets(T, C, B, n, k, true);
    // The S pass repeats the L pass's bucket-pointer steps inline, on purpose: a shared helper would be a call
    // (or a closure over b, c1) per suffix in the hottest loop of the build.
    c1 = 0;
    b = B[0];
    for (let i = n - 1; i >= 0; i--) {
      const e = SA[i];
      if (e > 0) {
        const j = e - 1;
        const c0 = T[j];
        if (c0 !== c1) {
          B[c1] = b;
          c1 = c0;
          b = B[c0];
        }
        // j is S-type; its predecessor is L-type iff s[j-1] > s[j] (then j is LMS): ~j. Position 0 has no
        // predecessor: stored as ~0 = -1, which the collection after stage 1 skips (LMS are never 0).
        SA[--b] = j ^ (j > 0 ? (c0 - T[j - 1]) >> 31 : -1);
        if (clear) SA[i] = 0;
      } else if (!clear) SA[i] = ~e;
    }
  }

  /**
   * Names the m sorted LMS substrings in SA[0, m) and writes the reduced string (names in text order,
   * the sentinel named 0) to SA[n-m, n). Returns the number of distinct names. Time O(n).
   */
  function nameLms(T: Text, SA: Int32Array, n: number, m: number): number {
    SA.fill(0, m, n);
    scanLms(T, SA, SA, n, 2, m);
    let names = 0;
    let prev = 0;
    let prevLen = 0;
    // Blocks of LMS positions: a branch-free first loop fetches each one's length and first symbol (random
    // reads that the processor can overlap), so the comparisons in the second loop, whose branches cannot
    // be predicted, find them in cache.
    const lens = new Int32Array(NAME_BLOCK);
    let touched = 0;
    for (let i0 = 0; i0 < m; i0 += NAME_BLOCK) {
      const i1 = Math.min(i0 + NAME_BLOCK, m);
      for (let i = i0; i < i1; i++) {
        const p = SA[i];
        lens[i - i0] = SA[m + (p >> 1)];
        touched ^= T[p];
      }
      for (let i = i0; i < i1; i++) {
        const p = SA[i];
        const len = lens[i - i0];
        let diff = len !== prevLen;
        for (let d = 0; !diff && d < len; d++) diff = T[p + d] !== T[prev + d];
        if (diff) {
          names++;
          prev = p;
          prevLen = len;
        }
        SA[m + (p >> 1)] = names; // name + 1, so that 0 still marks "no LMS position here"
      }
    }
    sink.touched = touched;
    for (let i = n - 1, j = n - 1; i >= m; i--) {
      const v = SA[i];
      if (v !== 0) SA[j--] = v - 1;
    }
    return names;
  }

  return function sais(T, SA, n, k, C, B, recurse) {
    if (C !== B) {
      C.fill(0, 0, k);
      for (let i = 0; i < n; i++) C[T[i]]++;
    }

    // Stage 1: sort the LMS substrings by one induction from the LMS positions in any order.
    SA.fill(0, 0, n);
    buckets(T, C, B, n, k, true);
    const m = scanLms(T, SA, B, n, 0, 0);
    induce(T, SA, C, B, n, k, true);
    // The sentinel is the smallest LMS substring; the induction zeroed its seed in SA[0].
    SA[0] = n - 1;
    for (let i = 1, j = 1; i < n; i++) {
      const v = SA[i];
      if (v < -1) SA[j++] = ~v;
    }

    // Stage 2: name them; solve the reduced problem recursively when names repeat.
    const names = nameLms(T, SA, n, m);
    if (names < m) {
      const free = n - 2 * m;
      let C1: Int32Array;
      let B1: Int32Array;
      if (free >= 2 * names) {
        C1 = SA.subarray(m, m + names);
        B1 = SA.subarray(m + names, m + 2 * names);
      } else {
        C1 = free >= names ? SA.subarray(m, m + names) : new Int32Array(names);
        B1 = C1;
      }
      recurse(SA.subarray(n - m, n), SA.subarray(0, m), m, names, C1, B1, recurse);
    } else {
      for (let i = 0; i < m; i++) SA[SA[n - m + i]] = i;
    }

    // Stage 3: the sorted LMS suffixes (SA[0, m) holds their indexes in text order) go to the ends of
    // their buckets, largest first so that no slot is overwritten before it is read; then one induction.
    scanLms(T, SA, B, n, 1, 0);
    for (let i = 0; i < m; i++) SA[i] = SA[n - m + SA[i]];
    SA.fill(0, m, n);
    buckets(T, C, B, n, k, true);
    for (let i = m - 1; i >= 0; i--) {
      const p = SA[i];
      SA[i] = 0;
      SA[--B[T[p]]] = p;
    }
    induce(T, SA, C, B, n, k, false);
  };
}

/** Instances by text type: the direct one for Int32Array, compiled copies for the narrower types. */
const instances = new Map<string, Kernel>();

/**
 * The instance for `T`'s array type. A copy is compiled from `createSais`'s source text (one per type, the
 * type's name in a comment keeps the copies' source texts, and so their compilations and type feedback,
 * apart); if that is not possible (a runtime without `Function`, or a bundler that made the text depend
 * on outer names) or the copy does not sort a small check string correctly, the direct instance is used
 * (correct, slower).
 */
function kernelFor(T: Text): Kernel {
  // By the three array types (a Buffer counts as a Uint8Array), whatever the subclass.
  const type =
    T instanceof Int32Array ? "Int32Array" : T instanceof Uint16Array ? "Uint16Array" : "Uint8Array";
  let kernel = instances.get(type);
  if (kernel) return kernel;
  const int32 = instances.get("Int32Array") ?? createSais();
  instances.set("Int32Array", int32);
  kernel = int32;
  if (type !== "Int32Array") {
    try {
      // `__name` is the helper some transpilers (esbuild with keepNames, as tsx runs it) insert after
      // named inner functions; inside the copy it only needs to return its argument.
      const factory = new Function("__name", `// ${type}\nreturn (${createSais.toString()})();`) as (
        keep: (f: unknown) => unknown,
      ) => Kernel;
      const copy = factory((f) => f);
      const check = [3, 2, 3, 2, 3, 1, 2, 2, 3, 0];
      const want = [9, 5, 6, 7, 3, 1, 8, 4, 2, 0];
      const got = new Int32Array(check.length);
      const text = type === "Uint16Array" ? Uint16Array.from(check) : Uint8Array.from(check);
      copy(text, got, check.length, 4, new Int32Array(4), new Int32Array(4), int32);
      if (want.every((v, i) => v === got[i])) kernel = copy;
    } catch {
      kernel = int32;
    }
  }
  instances.set(type, kernel);
  return kernel;
}
