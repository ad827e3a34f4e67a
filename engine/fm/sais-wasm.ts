/**
 * The WebAssembly suffix sorter (engine/fm/wasm/sais.as.ts, AssemblyScript) and the memory it sorts in.
 *
 * Where the compiled module comes from, first that exists:
 *   1. under tsx (running from .ts sources): the AssemblyScript source beside this file, compiled once per
 *      source text and compiler version into node_modules/.cache/lmr-sais/sais-<hash>.wasm (by asc's JS API,
 *      in a child process because the build is synchronous; temporary file, then rename, so that two
 *      processes compiling at once are harmless). A build worker bundled on the fly (see build-workers.ts)
 *      cannot see its own file name: the path reaches it through FM_SAIS_SOURCE, set when this module is loaded
 *      from source, or is taken from the working directory.
 *   2. from a bundle (dist/engine/*.js): `sais.wasm` beside the bundle, else <cwd>/dist/engine/sais.wasm,
 *      which `npx tsx scripts/build-engine.ts` writes.
 * When neither works (no WebAssembly in this runtime, a bundle built without sais.wasm and no compiler
 * installed) the build falls back to the JavaScript sorter (sais.ts), silently; FM_SAIS=wasm turns that
 * into an error (the tests set it) and FM_SAIS=js forces the JavaScript sorter.
 *
 * Where libdivsufsort is installed, a one-byte text is sorted by it instead, in this same memory
 * (sais-native.ts: a third faster on large shards); FM_SAIS=wasm and js keep it out, FM_SAIS=native
 * requires it.
 *
 * Memory: one WebAssembly.Memory per builder (a worker keeps it across shards), laid out for a text of n
 * symbols as SA (4n bytes) | text, one byte per symbol (n) | the two-byte text when needed (2n) | the
 * sorter's own arrays (buckets; rarely, the recursion's names). The shard's text is read straight into it
 * and SA is used in place by the rest of the build: no copy of either. It grows only for a larger shard.
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { adviseHugePages } from "../huge-pages";
import { nativeSorterMissing, nativeSuffixSorter } from "./sais-native";

/** asc's options: part of the cache key, so a change recompiles. */
export const ASC_FLAGS = ["-O3", "--runtime", "stub", "--noAssert", "--initialMemory", "1"];

/** This module's own URL when it runs from a real file (not inside a bundle evaluated as a string). */
function ownUrl(): string | null {
  try {
    const url = import.meta.url;
    return typeof url === "string" && url.startsWith("file:") ? url : null;
  } catch {
    return null;
  }
}

const own = ownUrl();
// Under tsx (a real ESM loader, so import.meta.resolve exists; a Next.js bundle also reports a .ts URL but
// has none), tell worker threads started later where the source is.
if (own?.endsWith(".ts") && typeof import.meta.resolve === "function") {
  process.env.FM_SAIS_SOURCE ??= join(dirname(fileURLToPath(own)), "wasm", "sais.as.ts");
}

/** The AssemblyScript source, when running from sources; null when running from a bundle. */
export function saisSourcePath(): string | null {
  if (own?.endsWith(".ts")) return join(dirname(fileURLToPath(own)), "wasm", "sais.as.ts");
  if (own) return null; // a plain-JS bundle: use its sais.wasm
  const env = process.env.FM_SAIS_SOURCE;
  if (env && existsSync(env)) return env;
  const cwd = join(process.cwd(), "engine", "fm", "wasm", "sais.as.ts");
  return existsSync(cwd) ? cwd : null;
}

/**
 * Compiles the source at `src` (if not already cached) and returns the cached .wasm's path, or null when
 * the compiler is not installed. Throws when the compiler fails.
 */
export function compiledSaisWasm(src: string): string | null {
  let ascDir: string;
  try {
    ascDir = dirname(createRequire(src).resolve("assemblyscript/package.json"));
  } catch {
    return null;
  }
  const version = JSON.parse(readFileSync(join(ascDir, "package.json"), "utf8")).version as string;
  const hash = createHash("sha256")
    .update(`${version}\n${ASC_FLAGS.join(" ")}\n`)
    .update(readFileSync(src))
    .digest("hex")
    .slice(0, 16);
  const cacheDir = join(dirname(ascDir), ".cache", "lmr-sais");
  const out = join(cacheDir, `sais-${hash}.wasm`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${out}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  // asc's API is asynchronous and the build is not: a child process runs it. Relative file name and fixed
  // working directory, so the output does not depend on where the checkout is.
  const script = `
    const [ascUrl, file, outFile, ...flags] = process.argv.slice(1);
    const { default: asc } = await import(ascUrl);
    const r = await asc.main([file, ...flags, "--outFile", outFile]);
    if (r.error) { process.stderr.write(String(r.error) + "\\n"); process.exit(1); }`;
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      script,
      pathToFileURL(join(ascDir, "dist", "asc.js")).href,
      "sais.as.ts",
      tmp,
      ...ASC_FLAGS,
    ],
    { cwd: dirname(src), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (r.status !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { force: true });
    throw new Error(`compiling ${src} failed: ${(r.stderr || r.error?.message || "").trim()}`);
  }
  renameSync(tmp, out);
  return out;
}

/** Where the compiled module is for this thread (see the header), or null. */
function saisWasmPath(): string | null {
  const src = saisSourcePath();
  if (src) return compiledSaisWasm(src);
  const beside = own ? join(dirname(fileURLToPath(own)), "sais.wasm") : null;
  if (beside && existsSync(beside)) return beside;
  const fromCwd = join(process.cwd(), "dist", "engine", "sais.wasm");
  return existsSync(fromCwd) ? fromCwd : null;
}

let cached: { module: WebAssembly.Module | null; reason: string } | null = null;
/** Whether this thread's module has been warmed up (see SaisArena.warmUp). */
let warm = false;

/** The compiled module (once per thread), or null with the reason. */
export function saisWasmModule(): { module: WebAssembly.Module | null; reason: string } {
  if (cached) return cached;
  try {
    if (typeof WebAssembly !== "object") cached = { module: null, reason: "no WebAssembly in this runtime" };
    else {
      const path = saisWasmPath();
      // The ignore comment keeps Next.js (which bundles this file, unused) from tracing the whole project.
      const module = path ? new WebAssembly.Module(readFileSync(/* turbopackIgnore: true */ path)) : null;
      cached = module
        ? { module, reason: "" }
        : { module: null, reason: "no compiled sais.wasm and no AssemblyScript compiler" };
    }
  } catch (e) {
    cached = { module: null, reason: (e as Error).message };
  }
  return cached;
}

interface SaisExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  sort(text: number, sa: number, n: number, k: number, width: number, heap: number): void;
  waveletNode(
    src: number,
    dst: number,
    from: number,
    to: number,
    table: number,
    words: number,
    pos: number,
    p0: number,
    p1: number,
    copy: number,
  ): void;
  bwtGather(sa: number, text: number, out: number, n: number): void;
}

const PAGE = 65536;
const align8 = (x: number) => Math.ceil(x / 8) * 8;

/**
 * A WebAssembly instance and its memory, laid out for one text at a time (see the header). Views returned
 * by the methods are valid until the next call that may grow the memory (`fits`, `sort`, `sortCopy`).
 */
export class SaisArena {
  private readonly ex: SaisExports;
  private readonly base: number;

  private constructor(module: WebAssembly.Module) {
    this.ex = new WebAssembly.Instance(module, {}).exports as unknown as SaisExports;
    this.base = align8(this.ex.heapBase());
  }

  /**
   * A new arena, or null when the WebAssembly sorter cannot be used here (or FM_SAIS=js). With FM_SAIS=wasm,
   * throws instead of returning null.
   */
  static create(): SaisArena | null {
    const mode = process.env.FM_SAIS;
    if (mode === "js") return null;
    const { module, reason } = saisWasmModule();
    if (module) {
      const arena = new SaisArena(module);
      if (!warm) {
        warm = true;
        arena.warmUp();
      }
      return arena;
    }
    if (mode === "wasm")
      throw new Error(`FM_SAIS=wasm but the WebAssembly suffix sorter is unavailable: ${reason}`);
    return null;
  }

  /**
   * V8 first runs WebAssembly in baseline code and moves a function to optimised code for its later calls
   * only (there is no on-stack replacement), so the first shard, whose few long calls do nearly all the
   * work, would run mostly in baseline code: 2.7-3.0 s instead of 1.5-1.8 s on the email shard (measured,
   * same process). Sorting a small text first (about 20 ms) gets the hot functions of the one-byte sorter
   * and of the recursion optimised; the compiled code belongs to the module, so every later instance
   * gains. Done in the first arena's own memory (about 1.3 MB of it), so it allocates nothing.
   */
  private warmUp(): void {
    const n = 1 << 18;
    if (!this.fits(n, false)) return;
    const text = this.text(n);
    for (let i = 0, x = 1; i < n - 1; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      text[i] = 1 + ((x >>> 16) & 3);
    }
    text[n - 1] = 0;
    this.sort(n, 4, false);
  }

  get memory(): WebAssembly.Memory {
    return this.ex.memory;
  }

  private textOffset(n: number): number {
    return this.base + 4 * n;
  }

  private wideOffset(n: number): number {
    return align8(this.base + 5 * n);
  }

  /** Grows the memory to hold `bytes` (plus room for the sorter's buckets). False if it cannot. */
  private reserve(bytes: number): boolean {
    const need = bytes + 4 * PAGE;
    const have = this.ex.memory.buffer.byteLength;
    if (need <= have) return true;
    try {
      this.ex.memory.grow(Math.ceil((need - have) / PAGE));
      // Suffix sorting and the BWT read SA and the text at random: huge pages spare most page walks. The
      // new pages are untouched yet, so the advice takes effect as they are filled (../huge-pages.ts).
      adviseHugePages(new Uint8Array(this.ex.memory.buffer));
      return true;
    } catch {
      return false;
    }
  }

  /** Whether a text of n symbols (two bytes each when `wide`) fits in the memory (up to 4 GiB). */
  fits(n: number, wide: boolean): boolean {
    return this.reserve(wide ? this.wideOffset(n) + 2 * n : this.textOffset(n) + n);
  }

  /** The one-byte text's n bytes (contents kept across calls for the same n). Call fits() first. */
  text(n: number): Uint8Array {
    return new Uint8Array(this.ex.memory.buffer, this.textOffset(n), n);
  }

  /** The two-byte text's n symbols, after the one-byte text. Call fits(n, true) first. */
  wideText(n: number): Uint16Array {
    return new Uint16Array(this.ex.memory.buffer, this.wideOffset(n), n);
  }

  /** SA's n entries. */
  sa(n: number): Int32Array {
    return new Int32Array(this.ex.memory.buffer, this.base, n);
  }

  /** Whether every view lies in this arena's memory (so that its byte offsets are the module's pointers). */
  owns(...views: ArrayBufferView[]): boolean {
    return views.every((v) => v.buffer === this.ex.memory.buffer);
  }

  /**
   * One node's pass of the wavelet tree's construction (`waveletNode` in wasm/sais.as.ts; the JavaScript
   * loop in build-shard.ts's fillWaveletBits is its reference). Bytes of `src` [from, to), branches from
   * `table`, bits into `words` from bit `pos`, symbols copied (when `copy`) to `dst` at p0 and p1. pre:
   * owns(src, dst, table, words).
   */
  waveletNode(
    src: Uint8Array,
    dst: Uint8Array,
    from: number,
    to: number,
    table: Uint8Array,
    words: Uint32Array,
    pos: number,
    p0: number,
    p1: number,
    copy: boolean,
  ): void {
    this.ex.waveletNode(
      src.byteOffset,
      dst.byteOffset,
      from,
      to,
      table.byteOffset,
      words.byteOffset,
      pos,
      p0,
      p1,
      copy ? 1 : 0,
    );
  }

  /**
   * BWT[i] = text[SA[i] - 1] (0 where SA[i] = 0) for a one-byte text, into `out`, which may be SA's own
   * memory (`bwtGather` in wasm/sais.as.ts). pre: owns(sa, text, out).
   */
  bwtGather(sa: Int32Array, text: Uint8Array, out: Uint8Array): void {
    this.ex.bwtGather(sa.byteOffset, text.byteOffset, out.byteOffset, sa.length);
  }

  /** Whether `a` is this arena's text (one or two bytes per symbol) for n symbols. */
  holds(a: Uint8Array | Uint16Array, n: number): boolean {
    const at = a.BYTES_PER_ELEMENT === 1 ? this.textOffset(n) : this.wideOffset(n);
    return a.buffer === this.ex.memory.buffer && a.byteOffset === at && a.length === n;
  }

  /**
   * Sorts the suffixes of the arena's text of n symbols (`text(n)`, or `wideText(n)` when `wide`), as
   * suffixArray in sais.ts: sa(n) then holds SA. May grow the memory (earlier views are then detached).
   */
  sort(n: number, alphabetMax: number, wide: boolean): "native" | "wasm" {
    return this.sortAt(wide ? this.wideOffset(n) : this.textOffset(n), wide ? 2 : 1, n, alphabetMax, true);
  }

  /**
   * Copies `s[0, n)` in, sorts with the WebAssembly sorter (never the native one), and copies SA out to
   * `sa` (sais.ts's contract): for tests and measurements. Int32 texts (the recursion's type) go where the two-byte text would.
   */
  sortCopy(s: Uint8Array | Uint16Array | Int32Array, sa: Int32Array, n: number, alphabetMax: number): void {
    const width = s.BYTES_PER_ELEMENT;
    if (!this.reserve(this.wideOffset(n) + width * n)) throw new Error(`text of ${n} symbols too large`);
    const at = width === 1 ? this.textOffset(n) : this.wideOffset(n);
    const view =
      width === 1
        ? new Uint8Array(this.ex.memory.buffer, at, n)
        : width === 2
          ? new Uint16Array(this.ex.memory.buffer, at, n)
          : new Int32Array(this.ex.memory.buffer, at, n);
    view.set(s.subarray(0, n));
    this.sortAt(at, width, n, alphabetMax, false);
    sa.set(this.sa(n));
  }

  /**
   * Sorts in place; by libdivsufsort when `allowNative` and the text has one byte per symbol, unless
   * FM_SAIS says otherwise (see the header). Returns which sorter sorted.
   */
  private sortAt(
    at: number,
    width: number,
    n: number,
    alphabetMax: number,
    allowNative: boolean,
  ): "native" | "wasm" {
    const mode = process.env.FM_SAIS;
    const native = allowNative && width === 1 && mode !== "wasm" ? nativeSuffixSorter() : null;
    if (allowNative && mode === "native" && !native) {
      throw new Error(
        `FM_SAIS=native but the native suffix sorter cannot sort this text: ${width === 1 ? nativeSorterMissing() : "two bytes per symbol"}`,
      );
    }
    if (n <= 1) {
      if (n === 1) this.sa(1)[0] = 0;
    } else if (native) {
      native(new Uint8Array(this.ex.memory.buffer, at, n), this.sa(n), n);
    } else {
      this.ex.sort(at, this.base, n, alphabetMax + 1, width, align8(at + width * n));
    }
    return native ? "native" : "wasm";
  }
}

/** suffixArray (sais.ts's contract) on the WebAssembly sorter, through a copy: for tests and measurements. */
export function suffixArrayWasm(
  s: Uint8Array | Uint16Array | Int32Array,
  sa: Int32Array,
  n: number,
  alphabetMax: number,
  arena = SaisArena.create(),
): void {
  if (!arena) throw new Error(`the WebAssembly suffix sorter is unavailable: ${saisWasmModule().reason}`);
  arena.sortCopy(s, sa, n, alphabetMax);
}
