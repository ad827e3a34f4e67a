import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A named float32 tensor, row-major. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type WeightMap = Map<string, NamedTensor>;

interface WeightIndexEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/**
 * Writes tensors as `<path>` (float32 little-endian blob) + `<path>.json` (index), each written
 * to a temporary file first and then renamed, so a crash never leaves a half-written checkpoint.
 * Returns the number of bytes in the blob.
 */
export function saveWeights(path: string, weights: WeightMap, meta: Record<string, unknown> = {}): number {
  mkdirSync(dirname(path), { recursive: true });
  const entries: WeightIndexEntry[] = [];
  let offset = 0;
  for (const [name, t] of weights) {
    entries.push({ name, shape: t.shape, offset, length: t.data.length });
    offset += t.data.length;
  }
  const blob = new Float32Array(offset);
  for (const e of entries) blob.set((weights.get(e.name) as NamedTensor).data, e.offset);
  writeFileSync(`${path}.tmp`, new Uint8Array(blob.buffer));
  renameSync(`${path}.tmp`, path);
  writeFileSync(`${path}.json.tmp`, JSON.stringify({ meta, tensors: entries }, null, 1));
  renameSync(`${path}.json.tmp`, `${path}.json`);
  return blob.byteLength;
}

/** Reads what `saveWeights` wrote, in the same order. */
export function loadWeights(path: string): { weights: WeightMap; meta: Record<string, unknown> } {
  const index = JSON.parse(readFileSync(`${path}.json`, "utf8")) as {
    meta: Record<string, unknown>;
    tensors: WeightIndexEntry[];
  };
  const raw = readFileSync(path);
  const blob = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const weights: WeightMap = new Map();
  for (const e of index.tensors) {
    weights.set(e.name, { shape: e.shape, data: blob.slice(e.offset, e.offset + e.length) });
  }
  return { weights, meta: index.meta };
}

export function getTensor(weights: WeightMap, name: string): NamedTensor {
  const t = weights.get(name);
  if (!t) throw new Error(`missing weight ${name}`);
  return t;
}
