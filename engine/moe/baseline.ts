/**
 * Dense baselines built from a merged model's expert files:
 * - the model-merging baseline: every expert's FFN weights averaged into one dense FFN
 *   (attention, embeddings and head are shared, so this averages the whole model);
 * - a dense model of the same active size as k routed experts: their FFNs concatenated along the
 *   hidden axis into one FFN of width k * F, run with weight 1 (used by bench/moe.ts).
 */
import * as ort from "onnxruntime-node";
import { buildExpertGraph } from "./export";
import type { FlexOlmoManifest } from "./manifest";
import { readExpertFfn } from "./onnx-weights";

export async function averagedFfnSession(
  dir: string,
  manifest: FlexOlmoManifest,
  threads = 1,
): Promise<ort.InferenceSession> {
  const cfg = manifest.config;
  const ffns = await Promise.all(manifest.experts.map((e) => readExpertFfn(dir, e.file, cfg)));
  const mean = (pick: (f: { w1: Float32Array[]; w2: Float32Array[] }) => Float32Array[]) =>
    Array.from({ length: cfg.layers }, (_, l) => {
      const out = new Float32Array(
        (pick(ffns[0] as { w1: Float32Array[]; w2: Float32Array[] })[l] as Float32Array).length,
      );
      for (const f of ffns) {
        const w = pick(f)[l] as Float32Array;
        for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (w[i] as number) / ffns.length;
      }
      return out;
    });
  const bytes = buildExpertGraph(
    cfg,
    mean((f) => f.w1),
    mean((f) => f.w2),
  );
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
}

/** One FFN of width k*F: the given experts' FFNs side by side (sum of their outputs, weight 1 each). */
export async function concatenatedFfnSession(
  dir: string,
  manifest: FlexOlmoManifest,
  expertIds: string[],
  threads = 1,
): Promise<ort.InferenceSession> {
  const cfg = manifest.config;
  const d = cfg.dModel;
  const F = cfg.ffnHidden;
  const ffns = await Promise.all(
    expertIds.map((id) => {
      const e = manifest.experts.find((x) => x.id === id);
      if (!e) throw new Error(`unknown expert ${id}`);
      return readExpertFfn(dir, e.file, cfg);
    }),
  );
  const K = ffns.length;
  const w1: Float32Array[] = [];
  const w2: Float32Array[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const a = new Float32Array(d * K * F);
    const b = new Float32Array(K * F * d);
    ffns.forEach((f, k) => {
      const src1 = f.w1[l] as Float32Array;
      for (let i = 0; i < d; i++) a.set(src1.subarray(i * F, (i + 1) * F), i * K * F + k * F);
      b.set(f.w2[l] as Float32Array, k * F * d);
    });
    w1.push(a);
    w2.push(b);
  }
  return ort.InferenceSession.create(buildExpertGraph(cfg, w1, w2), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
}
