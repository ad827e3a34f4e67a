/**
 * Puts a finished folder in place of another without a moment where the path is missing: the path is a
 * symbolic link to a versioned sibling folder (`<name>.v-<stamp>`), and a replacement renames a new link over
 * the old one, which rename(2) does atomically. A process opening `<path>/manifest.json` at any instant sees
 * the old index or the new one, whole; a crash at any step leaves one of them in place.
 *
 * The previous version stays until the next replacement (so a process still reading its files can finish);
 * older ones are deleted. A path that is a plain folder (from a build before this) becomes a version of its
 * own on its first replacement: that one rename leaves the path missing for a moment, once.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

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
  if (current?.isSymbolicLink()) previous = resolve(dir, readlinkSync(out));
  else if (current) {
    previous = join(dir, `${base}.v-${stamp}-before`);
    renameSync(out, previous);
  }
  renameSync(link, out);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name.startsWith(`${base}.v-`) && p !== version && p !== previous)
      rmSync(p, { recursive: true, force: true });
  }
}
