/**
 * Weights back out of an exported model folder: the ONNX files store every tensor as a named
 * float32 initializer (see export.ts), so the public model can be rebuilt as a WeightMap from
 * the shipped files alone. This is what lets a data owner train an expert against the shipped
 * model without the training checkpoints (`moe expert train`), and what the dense baselines read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { type ModelConfig, PUBLIC_DOMAIN } from "./config";
import { FlexOlmoError } from "./errors";
import type { FlexOlmoManifest } from "./manifest";
import type { WeightMap } from "./weights";

const { onnx } = onnxProto;

/** Named float32 initializers of one ONNX file. */
export function readInitializers(bytes: Uint8Array, label: string): Map<string, Float32Array> {
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `${label} is not an ONNX model: ${(err as Error).message}`,
    );
  }
  const out = new Map<string, Float32Array>();
  for (const t of model.graph?.initializer ?? []) {
    if (!t.name || !t.rawData) continue;
    const raw = t.rawData;
    out.set(t.name, new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
  }
  return out;
}

function need(map: Map<string, Float32Array>, name: string, length: number, label: string): Float32Array {
  const t = map.get(name);
  if (!t || t.length !== length) {
    throw new FlexOlmoError(
      "MODEL_FILE_CORRUPTED",
      `${label}: initializer ${name} is ${t ? `${t.length} numbers` : "missing"}, expected ${length}`,
    );
  }
  return t;
}

/** Per-layer slices of a [layers, ...] stacked tensor. */
function unstack(all: Float32Array, layers: number): Float32Array[] {
  const per = all.length / layers;
  return Array.from({ length: layers }, (_, l) => all.slice(l * per, (l + 1) * per));
}

/** Per-layer W1 [d, F] and W2 [F, d] of one expert file. */
export function expertFfnFromBytes(
  bytes: Uint8Array,
  cfg: ModelConfig,
  label: string,
): { w1: Float32Array[]; w2: Float32Array[] } {
  const init = readInitializers(bytes, label);
  const n = cfg.layers * cfg.dModel * cfg.ffnHidden;
  return {
    w1: unstack(need(init, "w1", n, label), cfg.layers),
    w2: unstack(need(init, "w2", n, label), cfg.layers),
  };
}

export function readExpertFfn(
  dir: string,
  file: string,
  cfg: ModelConfig,
): { w1: Float32Array[]; w2: Float32Array[] } {
  return expertFfnFromBytes(new Uint8Array(readFileSync(join(dir, file))), cfg, file);
}

/**
 * The public model of a folder as training weights: shared tensors (embeddings, attention,
 * norms), the public expert's FFN and its router rows, named as params.ts names them.
 * `files` are the folder's verified file bytes (readVerifiedModel).
 */
export function publicWeights(manifest: FlexOlmoManifest, files: Map<string, Uint8Array>): WeightMap {
  const cfg = manifest.config;
  const { dModel: d, layers: L, vocab: V, context: C } = cfg;
  const file = (name: string) => {
    const b = files.get(name);
    if (!b) throw new FlexOlmoError("MODEL_FILE_MISSING", `model file ${name} is missing`, { path: name });
    return readInitializers(b, name);
  };
  const w: WeightMap = new Map();
  const embed = file("embed.onnx");
  w.set("tok_emb", { shape: [V, d], data: need(embed, "tok_emb", V * d, "embed.onnx") });
  w.set("pos_emb", { shape: [C, d], data: need(embed, "pos_emb", C * d, "embed.onnx") });
  const attn = file("attn.onnx");
  for (const [name, dims] of [
    ["attn_norm", [d]],
    ["ffn_norm", [d]],
    ["wq", [d, d]],
    ["wk", [d, d]],
    ["wv", [d, d]],
    ["wo", [d, d]],
  ] as const) {
    const size = dims.reduce((a, b) => a * b, 1);
    unstack(need(attn, name, L * size, "attn.onnx"), L).forEach((data, l) => {
      w.set(`l${l}.${name}`, { shape: [...dims], data });
    });
  }
  const head = file("head.onnx");
  w.set("final_norm", { shape: [d], data: need(head, "final_norm", d, "head.onnx") });
  const pub = manifest.experts[0];
  if (!pub || pub.id !== PUBLIC_DOMAIN)
    throw new FlexOlmoError("MODEL_FILE_CORRUPTED", `the first expert is not "${PUBLIC_DOMAIN}"`);
  const pubFile = files.get(pub.file);
  if (!pubFile) throw new FlexOlmoError("MODEL_FILE_MISSING", `model file ${pub.file} is missing`);
  const ffn = expertFfnFromBytes(pubFile, cfg, pub.file);
  for (let l = 0; l < L; l++) {
    w.set(`${PUBLIC_DOMAIN}.l${l}.w1`, { shape: [d, cfg.ffnHidden], data: ffn.w1[l] as Float32Array });
    w.set(`${PUBLIC_DOMAIN}.l${l}.w2`, { shape: [cfg.ffnHidden, d], data: ffn.w2[l] as Float32Array });
    w.set(`${PUBLIC_DOMAIN}.l${l}.router`, {
      shape: [d],
      data: Float32Array.from(pub.router.rows[l] as number[]),
    });
  }
  return w;
}
