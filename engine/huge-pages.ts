/**
 * Asks Linux to back large buffers with 2 MiB pages (transparent huge pages, `madvise(MADV_HUGEPAGE)`).
 *
 * Why: an FM-index query is a chain of dependent reads at random places in hundreds of megabytes, and with
 * 4 KiB pages much of each read's latency is the page-table walk, not the memory (a dependent random read of a
 * 57 MiB shard stream on the 2-core bench machine: 283 ns with 4 KiB pages, 191 ns with 2 MiB pages,
 * bench/rank-chain.ts). Suffix
 * sorting reads its arrays the same way. Most distributions ship THP in "madvise" mode, where only memory that
 * asks gets huge pages, and Node has no call for it, so the call goes through koffi (./ffi.ts).
 *
 * Advice takes effect for pages first touched after it: advise a buffer right after allocating it (an
 * ArrayBuffer's pages are untouched until written) and before filling it. It is only advice: where the
 * kernel, the system's THP setting or the platform says no, buffers keep 4 KiB pages and everything works
 * the same, slower. `ENGINE_HUGE_PAGES=0` turns it off (to measure without it).
 */
import { readFileSync } from "node:fs";
import { libc } from "./ffi";

const PAGE = 4096;
const HUGE = 2 * 1024 * 1024;
const MADV_HUGEPAGE = 14;

type Advise = (view: Uint8Array, len: number) => boolean;
/** The madvise binding and the address finder, null where unavailable; undefined until first use. */
let binding: { advise: Advise; address: (v: ArrayBufferView) => bigint } | null | undefined;

/** The system's THP mode (`always`, `madvise` or `never`), or null where there is none (not Linux). */
export function hugePageMode(): "always" | "madvise" | "never" | null {
  try {
    const text = readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8");
    const mode = /\[(\w+)\]/.exec(text)?.[1];
    return mode === "always" || mode === "madvise" || mode === "never" ? mode : null;
  } catch {
    return null;
  }
}

function load(): typeof binding {
  if (process.env.ENGINE_HUGE_PAGES === "0") return null;
  // "always" needs no advice; "never" ignores it.
  if (hugePageMode() !== "madvise") return null;
  const c = libc();
  if (!c) return null;
  try {
    const madvise = c.lib.func("int madvise(void *addr, size_t len, int advice)") as (
      addr: Uint8Array,
      len: number,
      advice: number,
    ) => number;
    return {
      advise: (view, len) => madvise(view, len, MADV_HUGEPAGE) === 0,
      address: (v) => BigInt(c.koffi.address(v) as unknown as bigint),
    };
  } catch {
    return null;
  }
}

/**
 * Advises the kernel to back the whole 2 MiB pages inside `view` with huge pages. Returns the bytes advised
 * (0 when the buffer is too small to hold one, or advice is unavailable or refused). Never throws. Time O(1).
 */
export function adviseHugePages(view: ArrayBufferView): number {
  if (view.byteLength < 2 * HUGE) return 0;
  if (binding === undefined) binding = load();
  if (!binding) return 0;
  try {
    const base = binding.address(view);
    // madvise wants a page-aligned start; the kernel itself uses only the aligned 2 MiB stretches inside.
    const start = (base + BigInt(PAGE - 1)) & ~BigInt(PAGE - 1);
    const end = (base + BigInt(view.byteLength)) & ~BigInt(PAGE - 1);
    if (end <= start) return 0;
    const skip = Number(start - base);
    const len = Number(end - start);
    const inner = new Uint8Array(view.buffer, view.byteOffset + skip, len);
    return binding.advise(inner, len) ? len : 0;
  } catch {
    return 0;
  }
}

/**
 * A zero-filled buffer of `size` bytes (a SharedArrayBuffer when `shared`), advised for huge pages before
 * anything touches it. Time O(1) (pages are allocated as they are first written).
 */
export function allocateHuge(size: number, shared = false): Uint8Array {
  const bytes = new Uint8Array(shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
  adviseHugePages(bytes);
  return bytes;
}
