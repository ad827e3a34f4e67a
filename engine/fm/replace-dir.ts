/**
 * Puts a finished folder in place of another without a moment where the path is missing: the path is a
 * symbolic link to a versioned sibling folder (`<name>.v-<stamp>`), and a replacement renames a new link over
 * the old one, which rename(2) does atomically. A process opening `<path>/manifest.json` at any instant sees
 * the old index or the new one, whole; a crash at any step leaves one of them in place.
 *
 * The previous version stays until the next replacement (so a process still reading its files can finish);
 * older ones are deleted. A path that is a plain folder (from a build before links, or copied by hand) cannot
 * be renamed over by a link (rename(2) refuses a directory as the target): on Linux the new link and the
 * folder trade places in one renameat2(RENAME_EXCHANGE) call (through koffi, a maintained FFI: Node has no
 * binding for it), so that first replacement is atomic too. Where the call is missing (not Linux) or the file
 * system refuses it, the folder is moved aside and the link put in its place: two renames, and the path is
 * missing between them, once.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { libc } from "../ffi";

const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

type Exchange = (a: string, b: string) => boolean;
let exchangeFn: Exchange | null | undefined;

/**
 * renameat2(a, b, RENAME_EXCHANGE): swaps two paths atomically (any kinds: a link and a folder). Returns false
 * when the system or the file system cannot (then nothing changed); throws on other errors.
 */
export function exchangePaths(a: string, b: string): boolean {
  if (exchangeFn === undefined) exchangeFn = loadExchange();
  return exchangeFn ? exchangeFn(a, b) : false;
}

function loadExchange(): Exchange | null {
  const c = libc();
  if (!c) return null;
  try {
    const renameat2 = c.lib.func(
      "int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)",
    ) as (od: number, op: string, nd: number, np: string, flags: number) => number;
    return (a, b) => {
      if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) === 0) return true;
      const errno = c.koffi.errno();
      // ENOSYS (old kernel), EINVAL (file system without exchange): fall back. Anything else is a real error.
      if (errno === 38 || errno === 22) return false;
      throw Object.assign(new Error(`renameat2(${a}, ${b}, RENAME_EXCHANGE) failed: errno ${errno}`), {
        errno,
      });
    };
  } catch {
    return null;
  }
}

export function replaceDirAtomically(tmp: string, out: string): void {
  const dir = dirname(resolve(out));
  const base = basename(resolve(out));
  const stamp = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const version = join(dir, `${base}.v-${stamp}`);
  renameSync(tmp, version);
  const link = join(dir, `.${base}.link-${stamp}`);
  symlinkSync(basename(version), link); // relative: the parent folder can move
  const current = lstatSync(out, { throwIfNoEntry: false });
  let previous: string | null = null;
  if (current?.isSymbolicLink()) {
    previous = resolve(dir, readlinkSync(out));
    renameSync(link, out);
  } else if (current) {
    // A plain folder: the link takes its place and the folder the link's, in one step; then the folder
    // becomes the previous version.
    previous = join(dir, `${base}.v-${stamp}-before`);
    if (exchangePaths(link, out)) {
      renameSync(link, previous);
    } else {
      renameSync(out, previous);
      renameSync(link, out);
    }
  } else {
    renameSync(link, out);
  }
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name.startsWith(`${base}.v-`) && p !== version && p !== previous)
      rmSync(p, { recursive: true, force: true });
  }
}
