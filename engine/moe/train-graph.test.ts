import assert from "node:assert/strict";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import type { ModelConfig } from "./config";
import { initDenseWeights } from "./params";
import { mulberry32, normalSampler } from "./prng";
import { crossEntropy, forward, initTf, tf, toVariables } from "./tfmodel";
import { buildStepGraph, paramShapes, type StepExpert } from "./train-graph";
import type { WeightMap } from "./weights";

const cfg: ModelConfig = { vocab: 256, context: 8, dModel: 8, heads: 2, layers: 2, ffnHidden: 12 };

function randomWeights(experts: StepExpert[]): WeightMap {
  const w = initDenseWeights(cfg, 3, experts[0]?.id);
  const normal = normalSampler(mulberry32(11));
  for (const [name, shape] of paramShapes(cfg, experts)) {
    if (w.has(name) && !name.includes("norm")) continue;
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    // Norm gains and new experts get non-trivial random values so every gradient path is exercised.
    for (let i = 0; i < n; i++) data[i] = name.includes("norm") ? 1 + 0.3 * normal() : 0.3 * normal();
    if (name.endsWith(".bias")) data[0] = -0.4;
    w.set(name, { shape, data });
  }
  return w;
}

async function compare(experts: StepExpert[], trainable: string[]) {
  await initTf();
  const B = 2;
  const T = 6;
  const w = randomWeights(experts);
  const ids = Array.from({ length: B * T }, (_, i) => (i * 37 + 5) % 256);
  const targets = Array.from({ length: B * T }, (_, i) => (i * 91 + 3) % 256);
  const graph = buildStepGraph(cfg, { batch: B, seqLen: T, experts, trainable: new Set(trainable) });
  const session = await ort.InferenceSession.create(graph.bytes);
  const feeds: Record<string, ort.Tensor> = {
    ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [B, T]),
    targets: new ort.Tensor("int64", BigInt64Array.from(targets.map(BigInt)), [B, T]),
  };
  for (const n of graph.paramNames) {
    const t = w.get(n);
    assert.ok(t, n);
    feeds[n] = new ort.Tensor("float32", t.data, t.shape);
  }
  const out = await session.run(feeds);
  const params = toVariables(w, new Set(trainable));
  const idsT = tf.tensor2d(ids, [B, T], "int32");
  const tgT = tf.tensor2d(targets, [B, T], "int32");
  const { value, grads } = tf.variableGrads(
    () => crossEntropy(forward(cfg, params, idsT, experts).logits, tgT, cfg.vocab),
    trainable.map((n) => params.get(n) as tf.Variable),
  );
  const loss = (out.loss as ort.Tensor).data as Float32Array;
  assert.ok(Math.abs((loss[0] as number) - (value.dataSync()[0] as number)) < 1e-4, "loss matches tfjs");
  for (const n of trainable) {
    const mine = (out[`grad:${n}`] as ort.Tensor).data as Float32Array;
    const ref = (grads[(params.get(n) as tf.Variable).name] as tf.Tensor).dataSync();
    let maxErr = 0;
    let maxRef = 0;
    for (let i = 0; i < ref.length; i++) {
      maxErr = Math.max(maxErr, Math.abs((mine[i] as number) - (ref[i] as number)));
      maxRef = Math.max(maxRef, Math.abs(ref[i] as number));
    }
    assert.ok(maxErr <= 1e-4 + 1e-3 * maxRef, `${n}: max error ${maxErr} vs scale ${maxRef}`);
  }
}

test("dense step graph: loss and every gradient match tfjs autodiff", async () => {
  const experts = [{ id: "public", hasBias: false }];
  await compare(experts, [...paramShapes(cfg, experts).keys()]);
});

test("two-expert step graph: gradients of the new expert, its router row and bias match tfjs", async () => {
  const experts = [
    { id: "public", hasBias: false },
    { id: "code", hasBias: true },
  ];
  const trainable = [...paramShapes(cfg, experts).keys()].filter((n) => n.startsWith("code."));
  await compare(experts, trainable);
});
