/**
 * A data owner's side of FlexOlmo (`moe expert train`): from the shipped model folder and the
 * owner's JSONL file alone, train an expert (expert-train.ts), score it through the same
 * inference path users get, and write a package (package.ts) that holds weights, never text.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJsonl } from "../fm/jsonl";
import { MINI_SCHEDULE, PUBLIC_DOMAIN } from "./config";
import { DOC_SEPARATOR, HELDOUT_MAX_BYTES, HELDOUT_MODULUS } from "./data";
import { type ExpertSchedule, trainExpert } from "./expert-train";
import { buildExpertGraph, expertFfn } from "./export";
import { loadFlexOlmo } from "./index";
import { baseModelId, type FlexOlmoManifest, readVerifiedModel, SHARED_FILES, sha256 } from "./manifest";
import { routerOf, SCORE_BYTES } from "./merge";
import { publicWeights } from "./onnx-weights";
import {
  ExpertPackageError,
  type ExpertPackageHeader,
  encodePackage,
  expertNameProblem,
  manifestText,
  writeFileAtomic,
} from "./package";
import { fnv1a } from "./prng";

/** Training text kept in memory at most; the rest of a larger file is counted but not sampled. */
export const MAX_TRAIN_BYTES = 64 << 20;

export interface OwnerData {
  train: Uint8Array;
  heldout: Uint8Array;
  documents: number;
  heldoutDocuments: number;
  /** UTF-8 bytes of text in the whole file. */
  bytes: number;
  /** Training bytes left out because of MAX_TRAIN_BYTES. */
  trainBytesDropped: number;
}

class ByteSink {
  private parts: Uint8Array[] = [];
  length = 0;
  dropped = 0;
  constructor(private readonly cap: number) {}
  push(b: Uint8Array): void {
    const room = this.cap - this.length;
    if (room <= 0) {
      this.dropped += b.length;
      return;
    }
    const take = b.length <= room ? b : b.subarray(0, room);
    this.parts.push(take);
    this.length += take.length;
    this.dropped += b.length - take.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/**
 * Reads the owner's JSONL(.gz): one {"text": ...} per line ("id" optional; other fields ignored).
 * A document is held out when fnv1a(id or line number) % 10 == 0 (as for the corpus domains);
 * with none held out that way, the first document is. Memory: at most MAX_TRAIN_BYTES + 48 KB.
 */
export async function readOwnerData(path: string, maxTrainBytes = MAX_TRAIN_BYTES): Promise<OwnerData> {
  const train = new ByteSink(maxTrainBytes);
  const held = new ByteSink(HELDOUT_MAX_BYTES);
  const enc = new TextEncoder();
  let documents = 0;
  let heldoutDocuments = 0;
  let bytes = 0;
  let first: Uint8Array | undefined;
  try {
    for await (const { line, value } of readJsonl(path)) {
      const rec = value as { id?: unknown; text?: unknown };
      if (typeof rec !== "object" || rec === null || typeof rec.text !== "string")
        throw new ExpertPackageError(
          "NOT_A_PACKAGE",
          `${path}:${line}: expected an object with a "text" string`,
        );
      if (rec.text.length === 0) continue;
      const b = enc.encode(rec.text + DOC_SEPARATOR);
      documents++;
      bytes += b.length;
      const id = typeof rec.id === "string" ? rec.id : String(line);
      if (fnv1a(id) % HELDOUT_MODULUS === 0) {
        heldoutDocuments++;
        held.push(b);
      } else if (!first && heldoutDocuments === 0 && documents === 1) {
        first = b; // held out only if no other document is
      } else train.push(b);
    }
  } catch (e) {
    if (e instanceof ExpertPackageError) throw e;
    throw new ExpertPackageError("NOT_A_PACKAGE", (e as Error).message);
  }
  if (first) {
    if (heldoutDocuments === 0) {
      heldoutDocuments = 1;
      held.push(first);
    } else train.push(first);
  }
  if (documents < 2)
    throw new ExpertPackageError(
      "NOT_A_PACKAGE",
      `${path} has ${documents} document(s) with text; an expert needs at least 2 (one is held out for evaluation)`,
    );
  return {
    train: train.bytes(),
    heldout: held.bytes(),
    documents,
    heldoutDocuments,
    bytes,
    trainBytesDropped: train.dropped,
  };
}

export interface TrainPackageOptions {
  name: string;
  data: string;
  modelDir: string;
  out: string;
  contributor: string;
  licence: string;
  statement?: string;
  steps?: number;
  lr?: number;
  seed?: number;
  batch?: number;
  threads?: number;
  log?: (msg: string) => void;
}

/** The defaults of `moe expert train`: the shipped schedule's expert stage (config.ts MINI_SCHEDULE). */
export const OWNER_DEFAULTS = {
  steps: MINI_SCHEDULE.expertSteps,
  lr: MINI_SCHEDULE.expertLr,
  seed: MINI_SCHEDULE.seed,
  batch: MINI_SCHEDULE.expertBatch,
  embedWindows: MINI_SCHEDULE.embedWindows,
};

export interface TrainPackageResult {
  header: ExpertPackageHeader;
  bytes: number;
  seconds: number;
  /** Mean routing weight of the new expert on its held-out text with every installed expert on. */
  ownShare: number;
}

export async function trainExpertPackage(o: TrainPackageOptions): Promise<TrainPackageResult> {
  const log = o.log ?? (() => {});
  const problem = expertNameProblem(o.name);
  if (problem) throw new ExpertPackageError("BAD_NAME", problem);
  if (!o.contributor.trim())
    throw new ExpertPackageError("BAD_NAME", "--contributor must name who contributes the expert");
  if (!o.licence.trim()) throw new ExpertPackageError("BAD_NAME", "--licence must state the data's licence");
  const t0 = Date.now();
  const { manifest, files } = readVerifiedModel(o.modelDir);
  if (manifest.experts.some((e) => e.id === o.name))
    throw new ExpertPackageError(
      "ALREADY_INSTALLED",
      `${o.modelDir} already has an expert named "${o.name}"`,
    );
  const cfg = manifest.config;
  const data = await readOwnerData(o.data);
  const seqLen = Math.min(256, cfg.context);
  if (data.train.length < seqLen + 1)
    throw new ExpertPackageError(
      "NOT_A_PACKAGE",
      `${o.data} has ${data.train.length} bytes of training text after the held-out slice; at least ${seqLen + 1} are needed`,
    );
  log(
    `[${o.name}] ${data.documents} documents (${data.bytes} bytes), ${data.heldoutDocuments} held out (${data.heldout.length} bytes scored)`,
  );
  const schedule: ExpertSchedule = {
    seed: o.seed ?? OWNER_DEFAULTS.seed,
    batch: o.batch ?? OWNER_DEFAULTS.batch,
    seqLen,
    steps: o.steps ?? OWNER_DEFAULTS.steps,
    lr: o.lr ?? OWNER_DEFAULTS.lr,
    embedWindows: OWNER_DEFAULTS.embedWindows,
  };
  const result = await trainExpert({
    cfg,
    schedule,
    publicWeights: publicWeights(manifest, files),
    id: o.name,
    data: data.train,
    heldout: data.heldout,
    threads: o.threads ?? 1,
    checkpoint: `${o.out}.ckpt`,
    log,
  });
  const ffn = expertFfn(cfg, result.weights, o.name);
  const onnx = buildExpertGraph(cfg, ffn.w1, ffn.w2);
  const router = routerOf(cfg, result.weights, o.name);
  const scored = data.heldout.subarray(0, SCORE_BYTES);
  // Score through the inference path: a folder with the public model and the new expert only.
  const { publicOnly, withExpert, ownShare } = await scoreWithExpert(o.modelDir, manifest, files, {
    id: o.name,
    onnx,
    router,
    heldout: scored,
  });
  const mb = (data.bytes / 1e6).toFixed(2);
  const statement = (o.statement ?? "").trim();
  const header: ExpertPackageHeader = {
    format: "flexolmo-expert/1",
    base: { id: baseModelId(manifest), name: manifest.name, config: cfg },
    expert: {
      id: o.name,
      domain: o.name,
      description: `Closed "${o.name}" data contributed by ${o.contributor.trim()}: ${data.documents} documents (${mb} MB), licence ${o.licence.trim()}${statement ? `. ${statement}` : ""}. Seen only by this expert.`,
      documents: data.documents - data.heldoutDocuments,
      heldoutDocuments: data.heldoutDocuments,
      trainingSteps: result.steps,
      trainingTokens: result.tokens,
      heldout: { publicOnlyBitsPerByte: publicOnly, withExpertBitsPerByte: withExpert },
      router,
    },
    contribution: {
      contributor: o.contributor.trim(),
      licence: o.licence.trim(),
      statement,
      dataDocuments: data.documents,
      dataBytes: data.bytes,
      createdAt: new Date().toISOString(),
    },
    onnx: { bytes: onnx.length, sha256: sha256(onnx) },
  };
  const pkg = encodePackage(header, onnx);
  writeFileAtomic(o.out, pkg);
  rmSync(`${o.out}.ckpt`, { force: true });
  log(
    `[${o.name}] held-out ${publicOnly.toFixed(3)} -> ${withExpert.toFixed(3)} bits/byte; wrote ${o.out} (${pkg.length} bytes)`,
  );
  return { header, bytes: pkg.length, seconds: (Date.now() - t0) / 1000, ownShare };
}

async function scoreWithExpert(
  modelDir: string,
  manifest: FlexOlmoManifest,
  files: Map<string, Uint8Array>,
  e: { id: string; onnx: Uint8Array; router: { rows: number[][]; bias: number[] }; heldout: Uint8Array },
): Promise<{ publicOnly: number; withExpert: number; ownShare: number }> {
  const tmp = mkdtempSync(join(tmpdir(), "flexolmo-score-"));
  try {
    const pub = manifest.experts[0];
    if (!pub || pub.id !== PUBLIC_DOMAIN) throw new Error(`${modelDir}: the first expert is not "public"`);
    const keep = [...SHARED_FILES, pub.file];
    for (const f of keep) writeFileSync(join(tmp, f), files.get(f) as Uint8Array);
    const file = `expert-${e.id}.onnx`;
    writeFileSync(join(tmp, file), e.onnx);
    const m: FlexOlmoManifest = {
      ...manifest,
      experts: [
        pub,
        {
          ...pub,
          id: e.id,
          domain: e.id,
          file,
          router: e.router,
        },
      ],
      files: {
        ...Object.fromEntries(keep.map((f) => [f, manifest.files[f] as { sha256: string; bytes: number }])),
        [file]: { sha256: sha256(e.onnx), bytes: e.onnx.length },
      },
    };
    writeFileSync(join(tmp, "manifest.json"), manifestText(m));
    const model = await loadFlexOlmo(tmp, { threads: 1 });
    try {
      const a = await model.evaluate(e.heldout, { experts: [] });
      const b = await model.evaluate(e.heldout, { experts: [e.id] });
      return { publicOnly: a.bitsPerByte, withExpert: b.bitsPerByte, ownShare: b.expertShare[e.id] ?? 0 };
    } finally {
      await model.release();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
