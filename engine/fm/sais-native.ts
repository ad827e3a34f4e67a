/**
 * Suffix sorting by libdivsufsort (Yuta Mori's divsufsort, Debian's `libdivsufsort3`, the sorter sdsl-lite
 * builds on), called through koffi (../ffi.ts) on the WebAssembly arena's memory, so the text and SA stay
 * where the rest of the build reads them (sais-wasm.ts). On the bench machine it sorts 200 MB of text in
 * 16.4 s against the WebAssembly SA-IS's 26.5 s; one byte per symbol only (the two-byte texts of shards
 * using more than 254 byte values stay with the WebAssembly sorter). Both sorters produce the one suffix
 * array of the text, so an index is byte-identical whichever sorted it.
 *
 * `npm start` and `npm test` install the package when run as root; without it the build uses the
 * WebAssembly sorter, a third slower on large shards. FM_SAIS=wasm or js never uses it; FM_SAIS=native
 * makes its absence an error (for tests).
 */
import { nativeLibrary } from "../ffi";

export type NativeSort = (text: Uint8Array, sa: Int32Array, n: number) => void;

let sorter: NativeSort | null | undefined;

/** divsufsort as a function, or null where libdivsufsort (or koffi) is not installed. */
export function nativeSuffixSorter(): NativeSort | null {
  if (sorter !== undefined) return sorter;
  sorter = null;
  const lib = nativeLibrary("libdivsufsort.so.3");
  if (!lib) return sorter;
  try {
    // saidx_t is int32 in the 32-bit library (libdivsufsort64 has int64 offsets): shards stay below 2^31.
    const divsufsort = lib.func("int divsufsort(const uint8_t *T, int32_t *SA, int32_t n)") as (
      t: Uint8Array,
      sa: Int32Array,
      n: number,
    ) => number;
    sorter = (text, sa, n) => {
      if (n > text.length || n > sa.length || n >= 2 ** 31)
        throw new RangeError(`divsufsort: bad length ${n}`);
      const status = divsufsort(text, sa, n);
      // -1: bad arguments, -2: its work space could not be allocated.
      if (status !== 0) throw new Error(`divsufsort failed (status ${status}) on a text of ${n} bytes`);
    };
  } catch {
    sorter = null;
  }
  return sorter;
}

/** Why the native sorter is not used here (null when it is). */
export function nativeSorterMissing(): string | null {
  return nativeSuffixSorter() ? null : "libdivsufsort.so.3 is not installed (Debian package libdivsufsort3)";
}
