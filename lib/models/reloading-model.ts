import { statSync } from "node:fs";
import path from "node:path";

/**
 * A model folder loaded once and reloaded when its manifest changes (an admin installed or removed
 * an expert with `npm run moe -- expert install|remove`, which replace manifest.json by rename).
 * Each call costs one stat of the manifest. The previous model is retired only once the new one
 * has loaded: requests already running finish on it, then its sessions are released. A failed load
 * is not cached: the next call tries again (fixing the files needs no restart).
 */
export interface Retirable {
  retire(): void;
}

/** Identity of the manifest file's current version: inode, size and modification time; null when absent. */
export function manifestStamp(dir: string): string | null {
  try {
    const s = statSync(path.join(dir, "manifest.json"), { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return null;
  }
}

export class ReloadingModel<T extends Retirable> {
  private current?: { dir: string; stamp: string | null; model: Promise<T> };

  constructor(
    private readonly load: (dir: string) => Promise<T>,
    private readonly stamp: (dir: string) => string | null = manifestStamp,
  ) {}

  get(dir: string): Promise<T> {
    const stamp = this.stamp(dir);
    const cur = this.current;
    if (cur && cur.dir === dir && cur.stamp === stamp) return cur.model;
    const previous = cur?.model;
    const next = this.load(dir).then(
      (m) => {
        previous?.then(
          (old) => old.retire(),
          () => {},
        );
        return m;
      },
      (e) => {
        // Not cached: the next call loads again. The previous model (if any) is kept, to be
        // retired when a later load succeeds.
        if (this.current?.model === next) this.current = cur;
        throw e;
      },
    );
    this.current = { dir, stamp, model: next };
    return next;
  }
}
