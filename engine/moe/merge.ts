/**
 * Merge (stage 4) and export (stage 5): stack the public expert and every independently trained
 * domain expert, with their router rows, into one model. No joint training: the weights are
 * copied as trained. Writes ONNX parts + manifest.json, then scores each expert on held-out text.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ModelConfig, PUBLIC_DOMAIN } from "./config";
import { readDomainFolder } from "./data";
import { buildAttnGraph, buildEmbedGraph, buildExpertGraph, buildHeadGraph, expertFfn } from "./export";
import { loadFlexOlmo } from "./index";
import { type ExpertManifest, type FlexOlmoManifest, MANIFEST_FORMAT, sha256 } from "./manifest";
import { loadWeights, type WeightMap } from "./weights";

/** Held-out bytes per domain scored into the manifest (the same prefix `npm run eval:moe` uses). */
export const SCORE_BYTES = 16 * 1024;

export interface MergeOptions {
  cfg: ModelConfig;
  work: string;
  domainsDir: string;
  publicCheckpoint: string;
  /** Closed domains whose expert checkpoints `<work>/expert-<domain>.bin` are merged. */
  domains: string[];
  outDir: string;
  name?: string;
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function describeData(
  domain: string,
  split: { trainDocs: number; trainBytes: number; sources: string[]; sourceCount?: number },
): string {
  const mb = (split.trainBytes / 1e6).toFixed(2);
  const n = split.sourceCount ?? split.sources.length;
  const from =
    split.sources.length === 0
      ? ""
      : n > split.sources.length
        ? ` from ${n} sources (most documents: ${split.sources.join(", ")})`
        : ` from ${split.sources.join(", ")}`;
  return domain === PUBLIC_DOMAIN
    ? `Public data: ${split.trainDocs} documents (${mb} MB)${from}. Trains the shared model; always on.`
    : `Closed "${domain}" data: ${split.trainDocs} documents (${mb} MB)${from}, seen only by this expert.`;
}

/** An expert's router rows and biases from a weight map, as the manifest stores them. */
export function routerOf(cfg: ModelConfig, w: WeightMap, id: string): ExpertManifest["router"] {
  const rows: number[][] = [];
  const bias: number[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    rows.push(Array.from((w.get(`${id}.l${l}.router`) as { data: Float32Array }).data));
    bias.push(
      id === PUBLIC_DOMAIN ? 0 : ((w.get(`${id}.l${l}.bias`) as { data: Float32Array }).data[0] as number),
    );
  }
  return { rows, bias };
}

export async function mergeAndExport(o: MergeOptions): Promise<FlexOlmoManifest> {
  const { cfg } = o;
  const pub = loadWeights(o.publicCheckpoint);
  const merged: WeightMap = new Map(pub.weights);
  const metas: Record<string, Record<string, unknown>> = { [PUBLIC_DOMAIN]: pub.meta };
  for (const d of o.domains) {
    const ex = loadWeights(join(o.work, `expert-${d}.bin`));
    for (const [n, t] of ex.weights) merged.set(n, t);
    metas[d] = ex.meta;
  }
  const ids = [PUBLIC_DOMAIN, ...o.domains];
  mkdirSync(o.outDir, { recursive: true });
  const files: Record<string, { sha256: string; bytes: number }> = {};
  const put = (name: string, bytes: Uint8Array) => {
    writeAtomic(join(o.outDir, name), bytes);
    files[name] = { sha256: sha256(bytes), bytes: bytes.length };
  };
  put("embed.onnx", buildEmbedGraph(cfg, merged));
  put("attn.onnx", buildAttnGraph(cfg, merged));
  put("head.onnx", buildHeadGraph(cfg, merged));
  const experts: ExpertManifest[] = ids.map((id) => {
    const f = expertFfn(cfg, merged, id);
    const file = `expert-${id}.onnx`;
    put(file, buildExpertGraph(cfg, f.w1, f.w2));
    const split = readDomainFolder(join(o.domainsDir, id)).split;
    const meta = metas[id] ?? {};
    return {
      id,
      domain: id,
      description: describeData(id, split),
      documents: split.trainDocs,
      heldoutDocuments: split.heldoutDocs,
      trainingSteps: Number(meta.steps ?? 0),
      trainingTokens: Number(meta.tokens ?? 0),
      file,
      heldout: { publicOnlyBitsPerByte: Number.NaN, withExpertBitsPerByte: Number.NaN },
      router: routerOf(cfg, merged, id),
    };
  });
  const manifest: FlexOlmoManifest = {
    format: MANIFEST_FORMAT,
    name: o.name ?? "flexolmo-mini",
    config: cfg,
    experts,
    defaultTopK: 2,
    files,
    training: {
      stages: Object.fromEntries(ids.map((id) => [id, metas[id]])),
    },
    createdAt: new Date().toISOString(),
  };
  const mPath = join(o.outDir, "manifest.json");
  writeAtomic(mPath, JSON.stringify(manifest, null, 2));
  // Held-out scores through the exported ONNX path (what users get), default top-k.
  const model = await loadFlexOlmo(o.outDir, { threads: 1 });
  try {
    for (const e of experts) {
      const held = readDomainFolder(join(o.domainsDir, e.domain)).heldout.subarray(0, SCORE_BYTES);
      const publicOnly = await model.evaluate(held, { experts: [] });
      const withExpert =
        e.id === PUBLIC_DOMAIN ? publicOnly : await model.evaluate(held, { experts: [e.id] });
      e.heldout = {
        publicOnlyBitsPerByte: publicOnly.bitsPerByte,
        withExpertBitsPerByte: withExpert.bitsPerByte,
      };
      console.log(
        `[merge] ${e.id}: held-out ${publicOnly.bitsPerByte.toFixed(3)} (public only) -> ${withExpert.bitsPerByte.toFixed(3)} bits/byte (public + ${e.id})`,
      );
    }
  } finally {
    await model.release();
  }
  writeAtomic(mPath, JSON.stringify(manifest, null, 2));
  return manifest;
}
