/**
 * Corpus handling for training: read the FlexMix-style JSONL, split each domain into a training
 * part and a deterministic held-out slice, and write one folder per domain so that each expert's
 * training process can be given only its own domain's files.
 */
import { createReadStream, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lines } from "../lines";
import { fnv1a, type Rng } from "./prng";

export interface CorpusDoc {
  id: string;
  domain: string;
  text: string;
  /** `meta.source` (or `meta.dataset`) when the corpus gives one; shown in expert descriptions. */
  source?: string;
}

/** Documents are joined with a blank line; generation treats it as a document boundary. */
export const DOC_SEPARATOR = "\n\n";

/**
 * A document is held out when fnv1a(id) % HELDOUT_MODULUS == 0 (about 1 in 10), so the split
 * does not depend on file order. Held-out text per domain is capped so evaluation stays fast.
 */
export const HELDOUT_MODULUS = 10;
export const HELDOUT_MAX_BYTES = 48 * 1024;

export interface DomainSplit {
  domain: string;
  trainDocs: number;
  heldoutDocs: number;
  trainBytes: number;
  heldoutBytes: number;
  /** Most common document sources of the domain (up to 3), when the corpus names them. */
  sources: string[];
  /** Distinct sources named in the domain. */
  sourceCount: number;
}

export async function readCorpus(path: string): Promise<CorpusDoc[]> {
  const docs: CorpusDoc[] = [];
  let lineNo = 0;
  for await (const { text: line } of lines(createReadStream(path))) {
    lineNo++;
    if (line === null) throw new Error(`${path}:${lineNo}: line too long to read as one document`);
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as Partial<CorpusDoc> & { meta?: Record<string, unknown> };
    if (typeof rec.id !== "string" || typeof rec.domain !== "string" || typeof rec.text !== "string") {
      throw new Error(`${path}:${lineNo}: expected {"id","domain","text"}`);
    }
    const src = rec.meta?.source ?? rec.meta?.dataset;
    docs.push({
      id: rec.id,
      domain: rec.domain,
      text: rec.text,
      source: typeof src === "string" ? src : undefined,
    });
  }
  return docs;
}

/** Partition into train / held-out per domain (see HELDOUT_MODULUS). Every domain gets >= 1 held-out doc. */
export function splitDomains(docs: CorpusDoc[]): Map<string, { train: CorpusDoc[]; heldout: CorpusDoc[] }> {
  const byDomain = new Map<string, CorpusDoc[]>();
  for (const d of docs) {
    const list = byDomain.get(d.domain) ?? [];
    list.push(d);
    byDomain.set(d.domain, list);
  }
  const out = new Map<string, { train: CorpusDoc[]; heldout: CorpusDoc[] }>();
  for (const [domain, list] of [...byDomain].sort((a, b) => a[0].localeCompare(b[0]))) {
    const sorted = [...list].sort((a, b) => fnv1a(a.id) - fnv1a(b.id) || a.id.localeCompare(b.id));
    let heldout = sorted.filter((d) => fnv1a(d.id) % HELDOUT_MODULUS === 0);
    if (heldout.length === 0 && sorted.length > 1) heldout = [sorted[0] as CorpusDoc];
    const held = new Set(heldout.map((d) => d.id));
    out.set(domain, { train: sorted.filter((d) => !held.has(d.id)), heldout });
  }
  return out;
}

/** Concatenated UTF-8 bytes of documents, each followed by DOC_SEPARATOR, capped at maxBytes. */
export function docsToBytes(docs: CorpusDoc[], maxBytes = Number.POSITIVE_INFINITY): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const d of docs) {
    const b = enc.encode(d.text + DOC_SEPARATOR);
    if (total + b.length > maxBytes) {
      parts.push(b.subarray(0, maxBytes - total));
      total = maxBytes;
      break;
    }
    parts.push(b);
    total += b.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Writes `<outDir>/<domain>/train.bin`, `heldout.bin` (raw bytes) and `split.json` for every
 * domain, plus `<outDir>/splits.json`. Returns the split summary.
 */
export async function prepareDomainFolders(corpusPath: string, outDir: string): Promise<DomainSplit[]> {
  const docs = await readCorpus(corpusPath);
  const summary: DomainSplit[] = [];
  for (const [domain, { train, heldout }] of splitDomains(docs)) {
    const dir = join(outDir, domain);
    mkdirSync(dir, { recursive: true });
    const trainBytes = docsToBytes(train);
    const heldBytes = docsToBytes(heldout, HELDOUT_MAX_BYTES);
    writeAtomic(join(dir, "train.bin"), trainBytes);
    writeAtomic(join(dir, "heldout.bin"), heldBytes);
    const s: DomainSplit = {
      domain,
      trainDocs: train.length,
      heldoutDocs: heldout.length,
      trainBytes: trainBytes.length,
      heldoutBytes: heldBytes.length,
      sources: topSources([...train, ...heldout]),
      sourceCount: new Set([...train, ...heldout].map((d) => d.source).filter(Boolean)).size,
    };
    writeAtomic(join(dir, "split.json"), JSON.stringify(s, null, 1));
    summary.push(s);
  }
  writeAtomic(join(outDir, "splits.json"), JSON.stringify(summary, null, 1));
  return summary;
}

export function readDomainFolder(dir: string): {
  train: Uint8Array;
  heldout: Uint8Array;
  split: DomainSplit;
} {
  return {
    train: new Uint8Array(readFileSync(join(dir, "train.bin"))),
    heldout: new Uint8Array(readFileSync(join(dir, "heldout.bin"))),
    split: JSON.parse(readFileSync(join(dir, "split.json"), "utf8")) as DomainSplit,
  };
}

function topSources(docs: CorpusDoc[]): string[] {
  const counts = new Map<string, number>();
  for (const d of docs) if (d.source) counts.set(d.source, (counts.get(d.source) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([s]) => s);
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

/** B windows of T+1 consecutive bytes at seeded random offsets: ids = w[0..T), targets = w[1..T]. */
export function sampleBatch(
  data: Uint8Array,
  B: number,
  T: number,
  rng: Rng,
): { ids: BigInt64Array; targets: BigInt64Array } {
  if (data.length < T + 1)
    throw new Error(`need at least ${T + 1} bytes of training text, have ${data.length}`);
  const ids = new BigInt64Array(B * T);
  const targets = new BigInt64Array(B * T);
  for (let b = 0; b < B; b++) {
    const off = Math.floor(rng() * (data.length - T - 1));
    for (let t = 0; t < T; t++) {
      ids[b * T + t] = BigInt(data[off + t] as number);
      targets[b * T + t] = BigInt(data[off + t + 1] as number);
    }
  }
  return { ids, targets };
}
