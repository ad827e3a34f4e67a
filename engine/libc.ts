/**
 * The C library through koffi (a maintained FFI), for the few system calls Node has no binding for
 * (renameat2 in ./fm/replace-dir.ts, madvise in ./huge-pages.ts). Loaded once per thread; null where it
 * cannot be (not Linux, koffi missing or refusing to load).
 */
import { createRequire } from "node:module";
import { join } from "node:path";

export interface Libc {
  koffi: typeof import("koffi");
  lib: ReturnType<typeof import("koffi").load>;
}

let loaded: Libc | null | undefined;

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

export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== "linux") return loaded;
  try {
    const koffi = nodeRequire()("koffi") as typeof import("koffi");
    loaded = { koffi, lib: koffi.load("libc.so.6") };
  } catch {
    loaded = null;
  }
  return loaded;
}
