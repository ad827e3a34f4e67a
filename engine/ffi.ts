/**
 * Native libraries through koffi (a maintained FFI), for what Node has no binding for: renameat2 and madvise
 * from the C library (./fm/replace-dir.ts, ./huge-pages.ts), and libdivsufsort's suffix sorter
 * (./fm/sais-native.ts). Each library is loaded once per thread; null where it cannot be (koffi missing or
 * refusing to load, the library not installed).
 */
import { createRequire } from "node:module";
import { join } from "node:path";

export type Koffi = typeof import("koffi");
export type NativeLibrary = ReturnType<Koffi["load"]>;

let koffiModule: Koffi | null | undefined;
const libraries = new Map<string, NativeLibrary | null>();

/** A require for this module; an eval'd worker bundle (CommonJS, no import.meta.url) resolves from cwd. */
function nodeRequire(): NodeJS.Require {
  const url = (() => {
    try {
      return import.meta.url;
    } catch {
      return undefined;
    }
  })();
  return createRequire(typeof url === "string" && url ? url : join(process.cwd(), "index.js"));
}

/** koffi itself, or null where it cannot load. */
export function ffi(): Koffi | null {
  if (koffiModule === undefined) {
    try {
      koffiModule = nodeRequire()("koffi") as Koffi;
    } catch {
      koffiModule = null;
    }
  }
  return koffiModule;
}

/** The shared library `soname` (say `libc.so.6`), or null where it or koffi cannot be loaded. */
export function nativeLibrary(soname: string): NativeLibrary | null {
  const known = libraries.get(soname);
  if (known !== undefined) return known;
  let lib: NativeLibrary | null = null;
  const koffi = ffi();
  if (koffi) {
    try {
      lib = koffi.load(soname);
    } catch {
      lib = null;
    }
  }
  libraries.set(soname, lib);
  return lib;
}

/** The C library on Linux (null elsewhere: the calls made through it are Linux's). */
export function libc(): { koffi: Koffi; lib: NativeLibrary } | null {
  if (process.platform !== "linux") return null;
  const lib = nativeLibrary("libc.so.6");
  const koffi = ffi();
  return lib && koffi ? { koffi, lib } : null;
}
