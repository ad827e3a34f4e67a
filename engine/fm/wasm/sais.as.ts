/**
 * Suffix array construction by induced sorting (SA-IS), in AssemblyScript, compiled to WebAssembly by
 * engine/fm/sais-wasm.ts (on the fly under tsx, into dist/engine by scripts/build-engine.ts).
 *
 * The same algorithm and engineering as engine/fm/sais.ts (read its header; that file is the reference
 * implementation): no type array, the predecessor's type carried in the sign of an SA entry and decided
 * when the entry is written, the current bucket pointer in a local, LMS positions found by scanning runs,
 * LMS substrings named by length first, the reduced problem and its buckets inside SA.
 *
 * Everything is addressed by byte pointers into the one linear memory that JavaScript also sees: the text,
 * SA, and the bucket arrays. JavaScript lays out the text and SA; the sorter takes what else it needs
 * (bucket arrays, and the recursion's arrays when they do not fit in SA) from `heap` upwards, growing the
 * memory if needed (which detaches JavaScript's views: the caller re-creates them). The kernel is generic
 * over the text's element type and compiled once per type (u8 and u16 at the top level, i32 names in the
 * recursion).
 *
 * Time O(n). No runtime, no allocation from the language: only loads and stores through pointers.
 */

/** LMS positions per block when naming (see nameLms). */
const NAME_BLOCK: i32 = 256;

/** First free byte for the sorter's own arrays (a bump allocator, reset by each top-level call). */
let heapTop: usize = 0;
/** Keeps the values of reads that only warm the cache, so the optimiser cannot drop them. */
let sink: i32 = 0;

function alloc(bytes: usize): usize {
  const p = (heapTop + 7) & ~(<usize>7);
  const end = p + bytes;
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
  heapTop = end;
  return p;
}

@inline function sym<T>(t: usize, i: i32): i32 {
  return <i32>load<T>(t + ((<usize>i) << alignof<T>()));
}

@inline function get(a: usize, i: i32): i32 {
  return load<i32>(a + ((<usize>i) << 2));
}

@inline function put(a: usize, i: i32, v: i32): void {
  store<i32>(a + ((<usize>i) << 2), v);
}

/** B[c] = start (end = false) or end of bucket c. Recounts the text when the counts share B's memory. */
function buckets<T>(t: usize, C: usize, B: usize, n: i32, k: i32, end: bool, shared: bool): void {
  if (shared) {
    memory.fill(B, 0, (<usize>k) << 2);
    for (let i = 0; i < n; i++) {
      const a = B + ((<usize>sym<T>(t, i)) << 2);
      store<i32>(a, load<i32>(a) + 1);
    }
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const x = get(C, c);
    sum += x;
    put(B, c, end ? sum : sum - x);
  }
}

/**
 * Visits the LMS positions right to left (the sentinel n-1 first) by skipping runs, as sais.ts's scanLms.
 * mode 0: put each at the end of its bucket (B = ends); mode 1: write them in text order into SA[n-m, n);
 * mode 2: store each one's LMS-substring length at SA[base + (p >> 1)]. Returns m.
 */
function scanLms<T>(t: usize, SA: usize, B: usize, n: i32, mode: i32, base: i32): i32 {
  let m = 0;
  let next = n - 1;
  // The sentinel.
  if (mode == 0) {
    const a = B + ((<usize>sym<T>(t, n - 1)) << 2);
    const b = load<i32>(a) - 1;
    store<i32>(a, b);
    put(SA, b, n - 1);
  } else if (mode == 1) put(SA, n - 1, n - 1);
  else put(SA, base + ((n - 1) >> 1), 1);
  m = 1;
  let i = n - 2;
  let c = sym<T>(t, i);
  while (i > 0) {
    let p = sym<T>(t, i - 1);
    while (p >= c) {
      i--;
      c = p;
      if (i == 0) return m;
      p = sym<T>(t, i - 1);
    }
    i--;
    c = p;
    if (i == 0) return m;
    p = sym<T>(t, i - 1);
    while (p <= c) {
      i--;
      c = p;
      if (i == 0) return m;
      p = sym<T>(t, i - 1);
    }
    if (mode == 0) {
      const a = B + ((<usize>sym<T>(t, i)) << 2);
      const b = load<i32>(a) - 1;
      store<i32>(a, b);
      put(SA, b, i);
    } else if (mode == 1) put(SA, n - 1 - m, i);
    else {
      put(SA, base + (i >> 1), next - i + 1);
      next = i;
    }
    m++;
    i--;
    c = p;
  }
  return m;
}

/**
 * The L pass of an induction (see sais.ts's induce). Its loop is written once per value of `clear` on purpose
 * (unswitched by hand, so the hot loop tests no flag); AssemblyScript cannot share sais.ts's TypeScript.
 */
function induceL<T>(t: usize, SA: usize, C: usize, B: usize, n: i32, k: i32, clear: bool, shared: bool): void {
  buckets<T>(t, C, B, n, k, false, shared);
  let c1 = 0;
  let b = get(B, 0);
  if (clear) {
    for (let i = 0; i < n; i++) {
      const e = get(SA, i);
      put(SA, i, ~e & (e >> 31));
      if (e > 0) {
        const j = e - 1;
        const c0 = sym<T>(t, j);
        if (c0 != c1) {
          put(B, c1, b);
          c1 = c0;
          b = get(B, c0);
        }
        put(SA, b++, j ^ ((sym<T>(t, j > 0 ? j - 1 : 0) - c0) >> 31));
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const e = get(SA, i);
      put(SA, i, ~e);
      if (e > 0) {
        const j = e - 1;
        const c0 = sym<T>(t, j);
        if (c0 != c1) {
          put(B, c1, b);
          c1 = c0;
          b = get(B, c0);
        }
        put(SA, b++, j ^ ((sym<T>(t, j > 0 ? j - 1 : 0) - c0) >> 31));
      }
    }
  }
}

/** The S pass of an induction (see sais.ts's induce); one loop per value of `clear`, as in induceL, on purpose. */
function induceS<T>(t: usize, SA: usize, C: usize, B: usize, n: i32, k: i32, clear: bool, shared: bool): void {
  buckets<T>(t, C, B, n, k, true, shared);
  let c1 = 0;
  let b = get(B, 0);
  if (clear) {
    for (let i = n - 1; i >= 0; i--) {
      const e = get(SA, i);
      if (e > 0) {
        const j = e - 1;
        const c0 = sym<T>(t, j);
        if (c0 != c1) {
          put(B, c1, b);
          c1 = c0;
          b = get(B, c0);
        }
        put(SA, --b, j ^ (j > 0 ? (c0 - sym<T>(t, j - 1)) >> 31 : -1));
        put(SA, i, 0);
      }
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      const e = get(SA, i);
      if (e > 0) {
        const j = e - 1;
        const c0 = sym<T>(t, j);
        if (c0 != c1) {
          put(B, c1, b);
          c1 = c0;
          b = get(B, c0);
        }
        put(SA, --b, j ^ (j > 0 ? (c0 - sym<T>(t, j - 1)) >> 31 : -1));
      } else put(SA, i, ~e);
    }
  }
}

/**
 * Names the m sorted LMS substrings in SA[0, m) and writes the reduced string (names in text order, the
 * sentinel named 0) to SA[n-m, n). Returns the number of distinct names.
 */
function nameLms<T>(t: usize, SA: usize, n: i32, m: i32, lens: usize): i32 {
  memory.fill(SA + ((<usize>m) << 2), 0, (<usize>(n - m)) << 2);
  scanLms<T>(t, SA, 0, n, 2, m);
  let names = 0;
  let prev = 0;
  let prevLen = 0;
  let touched = 0;
  // Blocks of LMS positions: a branch-free first loop fetches each one's length and first symbol (random
  // reads that the processor can overlap), so that the comparisons, whose branches cannot be predicted,
  // find them in cache.
  for (let i0 = 0; i0 < m; i0 += NAME_BLOCK) {
    const i1 = min(i0 + NAME_BLOCK, m);
    for (let i = i0; i < i1; i++) {
      const p = get(SA, i);
      put(lens, i - i0, get(SA, m + (p >> 1)));
      touched ^= sym<T>(t, p);
    }
    for (let i = i0; i < i1; i++) {
      const p = get(SA, i);
      const len = get(lens, i - i0);
      let diff = len != prevLen;
      for (let d = 0; !diff && d < len; d++) diff = sym<T>(t, p + d) != sym<T>(t, prev + d);
      if (diff) {
        names++;
        prev = p;
        prevLen = len;
      }
      put(SA, m + (p >> 1), names); // name + 1, so that 0 still marks "no LMS position here"
    }
  }
  sink ^= touched;
  for (let i = n - 1, j = n - 1; i >= m; i--) {
    const v = get(SA, i);
    if (v != 0) put(SA, j--, v - 1);
  }
  return names;
}

/** Sorts the suffixes of t[0, n) (alphabet [0, k)) into SA[0, n). C and B hold k ints; shared: C == B. */
function sais<T>(t: usize, SA: usize, n: i32, k: i32, C: usize, B: usize, shared: bool, lens: usize): void {
  if (!shared) {
    memory.fill(C, 0, (<usize>k) << 2);
    for (let i = 0; i < n; i++) {
      const a = C + ((<usize>sym<T>(t, i)) << 2);
      store<i32>(a, load<i32>(a) + 1);
    }
  }

  // Stage 1: sort the LMS substrings by one induction from the LMS positions in any order.
  memory.fill(SA, 0, (<usize>n) << 2);
  buckets<T>(t, C, B, n, k, true, shared);
  const m = scanLms<T>(t, SA, B, n, 0, 0);
  induceL<T>(t, SA, C, B, n, k, true, shared);
  induceS<T>(t, SA, C, B, n, k, true, shared);
  // The sentinel is the smallest LMS substring; the induction zeroed its seed in SA[0].
  put(SA, 0, n - 1);
  for (let i = 1, j = 1; i < n; i++) {
    const v = get(SA, i);
    if (v < -1) put(SA, j++, ~v);
  }

  // Stage 2: name them; solve the reduced problem recursively when names repeat.
  const names = nameLms<T>(t, SA, n, m, lens);
  if (names < m) {
    const free = n - 2 * m;
    const mark = heapTop;
    const s1 = SA + ((<usize>(n - m)) << 2);
    if (free >= 2 * names) {
      const C1 = SA + ((<usize>m) << 2);
      sais<i32>(s1, SA, m, names, C1, C1 + ((<usize>names) << 2), false, lens);
    } else {
      const C1 = free >= names ? SA + ((<usize>m) << 2) : alloc((<usize>names) << 2);
      sais<i32>(s1, SA, m, names, C1, C1, true, lens);
    }
    heapTop = mark;
  } else {
    for (let i = 0; i < m; i++) put(SA, get(SA, n - m + i), i);
  }

  // Stage 3: the sorted LMS suffixes (SA[0, m) holds their indexes in text order) go to the ends of their
  // buckets, largest first so that no slot is overwritten before it is read; then one induction.
  scanLms<T>(t, SA, B, n, 1, 0);
  for (let i = 0; i < m; i++) put(SA, i, get(SA, n - m + get(SA, i)));
  memory.fill(SA + ((<usize>m) << 2), 0, (<usize>(n - m)) << 2);
  buckets<T>(t, C, B, n, k, true, shared);
  for (let i = m - 1; i >= 0; i--) {
    const p = get(SA, i);
    put(SA, i, 0);
    const a = B + ((<usize>sym<T>(t, p)) << 2);
    const b = load<i32>(a) - 1;
    store<i32>(a, b);
    put(SA, b, p);
  }
  induceL<T>(t, SA, C, B, n, k, false, shared);
  induceS<T>(t, SA, C, B, n, k, false, shared);
}

/** The first byte past the module's static data: JavaScript lays out its arrays from here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Sorts the suffixes of the text at `text` (element type by `width`: 1 = u8, 2 = u16, 4 = i32) into the n
 * ints at `sa`. Contract of sais.ts's suffixArray: n >= 2, t[n-1] = 0 and 0 nowhere else, symbols in [0, k).
 * `heap` is the first free byte (8-aligned) past both arrays; the memory grows from there when needed.
 */
export function sort(text: usize, sa: usize, n: i32, k: i32, width: i32, heap: usize): void {
  heapTop = heap;
  const C = alloc((<usize>k) << 2);
  const B = alloc((<usize>k) << 2);
  const lens = alloc((<usize>NAME_BLOCK) << 2);
  if (width == 1) sais<u8>(text, sa, n, k, C, B, false, lens);
  else if (width == 2) sais<u16>(text, sa, n, k, C, B, false, lens);
  else sais<i32>(text, sa, n, k, C, B, false, lens);
}

/** Read by nothing; exported so that the cache-warming reads in nameLms are kept. */
export function touched(): i32 {
  return sink;
}

/**
 * Not suffix sorting, but it runs in the same memory after it: one node's pass of the wavelet tree's
 * level-by-level construction (fillWaveletBits in ../build-shard.ts, the reference and the fallback for
 * two-byte texts). For each byte x = src[i], i in [from, to): its branch b = table[x] (0 or 1) is appended
 * to the bit vector at `words` from bit `pos` (ORed into words that may already hold a neighbour's bits);
 * when `copy`, x is appended to the stretch at dst + p0 (b = 0) or dst + p1 (b = 1). Branch-free: at a
 * balanced node either side is a coin flip. Returns nothing; the caller knows where everything ends.
 */
export function waveletNode(
  src: usize,
  dst: usize,
  from: i32,
  to: i32,
  table: usize,
  words: usize,
  pos: u32,
  p0: i32,
  p1: i32,
  copy: bool,
): void {
  let acc: u32 = 0;
  for (let i = from; i < to; i++) {
    const x = <usize>load<u8>(src + <usize>i);
    const b = <u32>load<u8>(table + x);
    acc |= b << (pos & 31);
    if ((pos & 31) == 31) {
      const w = words + ((<usize>(pos >>> 5)) << 2);
      store<u32>(w, load<u32>(w) | acc);
      acc = 0;
    }
    pos++;
    if (copy) {
      store<u8>(dst + <usize>select<i32>(p1, p0, b != 0), <u8>x);
      p0 += 1 - <i32>b;
      p1 += <i32>b;
    }
  }
  if ((pos & 31) != 0) {
    const w = words + ((<usize>(pos >>> 5)) << 2);
    store<u32>(w, load<u32>(w) | acc);
  }
}

/**
 * The BWT of a one-byte text from its suffix array, written over SA's memory (out may equal sa: entry i
 * of the output lies within SA[0, i], already read): out[i] = text[SA[i] - 1], or 0 (the sentinel) where
 * SA[i] = 0. The reads of the text are at random; with no bounds checks the loop keeps more of them in
 * flight than JavaScript's does.
 */
export function bwtGather(sa: usize, text: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const j = load<i32>(sa + ((<usize>i) << 2));
    const c = j > 0 ? load<u8>(text + <usize>(j - 1)) : <u8>0;
    store<u8>(out + <usize>i, c);
  }
}
