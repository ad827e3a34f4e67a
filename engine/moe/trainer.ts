/**
 * Gradient descent on the ONNX step graph (train-graph.ts): onnxruntime computes loss and
 * gradients, Adam with global-norm clipping updates the host weights in place.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as ort from "onnxruntime-node";
import type { ModelConfig } from "./config";
import { sampleBatch } from "./data";
import { mulberry32 } from "./prng";
import { buildStepGraph, type StepExpert } from "./train-graph";
import type { WeightMap } from "./weights";

export interface TrainOptions {
  cfg: ModelConfig;
  experts: StepExpert[];
  /** Names of the parameters to update; every other parameter stays bit-for-bit frozen. */
  trainable: string[];
  weights: WeightMap;
  data: Uint8Array;
  steps: number;
  batch: number;
  seqLen: number;
  lr: number;
  warmup: number;
  /** Steps over which the cosine decays (default `steps`). */
  horizon?: number;
  /** From this step on, the learning rate falls linearly to 0 at `steps` (a cool-down). */
  cooldownFrom?: number;
  seed: number;
  /** Max global gradient norm. */
  clip?: number;
  /** Parameters projected onto (-inf, 0] after each step (the router biases). */
  nonPositive?: string[];
  /**
   * Parameters projected back onto the unit sphere after each step (the router rows): training
   * may turn a row towards the tokens its expert serves but not lengthen it, since a longer row
   * raises that expert's logit on every token, of every domain (see README, FlexOlmo router).
   */
  unitNorm?: string[];
  threads?: number;
  log?: (step: number, loss: number, msPerStep: number) => void;
  /** Awaited after each step with the number of steps done (e.g. to score held-out text on the way). */
  afterStep?: (stepsDone: number) => Promise<void> | void;
  /** Stop early once this wall-clock deadline (ms since epoch) passes; steps done are reported. */
  deadline?: number;
  /**
   * Resumable training: every `checkpointEvery` steps (default 100) the trainable weights, Adam
   * moments, losses and step are written atomically to this file; a later call with the same
   * options resumes from it (the batch sampler is replayed to the same position), so a crash loses
   * at most `checkpointEvery` steps and the result is the same as an uninterrupted run.
   */
  checkpoint?: string;
  checkpointEvery?: number;
}

export interface TrainResult {
  losses: number[];
  stepsDone: number;
  tokensSeen: number;
}

/** A run's training loss in bits per byte: its first step, and the mean of its last 20 steps (0 when none). */
export function lossSummaryBits(losses: readonly number[]): { firstLossBits: number; lastLossBits: number } {
  const last = losses.slice(-20);
  return {
    firstLossBits: (losses[0] ?? 0) / Math.LN2,
    lastLossBits: last.reduce((a, b) => a + b, 0) / Math.max(1, last.length) / Math.LN2,
  };
}

const BETA1 = 0.9;
const BETA2 = 0.95;
const ADAM_EPS = 1e-8;

/**
 * Learning rate: linear warm-up, then cosine decay over `horizon` steps (default `steps`) to 10% of
 * the peak; with `cooldownFrom`, the rate reached there then falls linearly to 0 at `steps`.
 */
export function lrAt(
  step: number,
  o: Pick<TrainOptions, "lr" | "warmup" | "steps" | "horizon" | "cooldownFrom">,
): number {
  const cosine = (s: number) => {
    if (s < o.warmup) return (o.lr * (s + 1)) / o.warmup;
    const horizon = o.horizon ?? o.steps;
    const progress = (s - o.warmup) / Math.max(1, horizon - o.warmup);
    return o.lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
  };
  const from = o.cooldownFrom;
  if (from === undefined || step < from) return cosine(step);
  return (cosine(from) * (o.steps - step)) / Math.max(1, o.steps - from);
}

/**
 * Whether two runs use the same learning rate on steps [0, upTo): true when their schedules are
 * identical, or share rate, warm-up and cosine horizon and neither has begun its cool-down by then
 * (so a run can be resumed under a schedule that only adds or moves a later cool-down).
 */
export function sameRatesUpTo(
  a: Pick<TrainOptions, "lr" | "warmup" | "steps" | "horizon" | "cooldownFrom">,
  b: Pick<TrainOptions, "lr" | "warmup" | "steps" | "horizon" | "cooldownFrom">,
  upTo: number,
): boolean {
  if (a.lr !== b.lr || a.warmup !== b.warmup) return false;
  if ((a.horizon ?? a.steps) !== (b.horizon ?? b.steps)) return false;
  // A run's rates follow the cosine until its cool-down starts or it ends.
  const cosineUntil = (x: typeof a) => Math.min(x.cooldownFrom ?? Number.POSITIVE_INFINITY, x.steps);
  return upTo <= cosineUntil(a) && upTo <= cosineUntil(b);
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const graph = buildStepGraph(o.cfg, {
    batch: o.batch,
    seqLen: o.seqLen,
    experts: o.experts,
    trainable: new Set(o.trainable),
  });
  const session = await ort.InferenceSession.create(graph.bytes, {
    intraOpNumThreads: o.threads ?? 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  });
  const feeds: Record<string, ort.Tensor> = {};
  for (const n of graph.paramNames) {
    const t = o.weights.get(n);
    if (!t) throw new Error(`missing weight ${n}`);
    feeds[n] = new ort.Tensor("float32", t.data, t.shape);
  }
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const n of o.trainable) {
    const len = (o.weights.get(n) as { data: Float32Array }).data.length;
    m.set(n, new Float32Array(len));
    v.set(n, new Float32Array(len));
  }
  const rng = mulberry32(o.seed);
  const losses: number[] = [];
  const nonPositive = new Set(o.nonPositive ?? []);
  const unitNorm = new Set(o.unitNorm ?? []);
  let stepsDone = 0;
  let start = 0;
  const every = Math.max(1, o.checkpointEvery ?? 100);
  if (o.checkpoint && existsSync(o.checkpoint)) {
    const ck = readCheckpoint(o.checkpoint, o);
    for (const n of o.trainable) {
      (o.weights.get(n) as { data: Float32Array }).data.set(ck.tensors.get(`w:${n}`) as Float32Array);
      (m.get(n) as Float32Array).set(ck.tensors.get(`m:${n}`) as Float32Array);
      (v.get(n) as Float32Array).set(ck.tensors.get(`v:${n}`) as Float32Array);
    }
    losses.push(...ck.losses);
    start = ck.step;
    stepsDone = ck.step;
    // sampleBatch draws exactly `batch` numbers per step.
    for (let i = 0; i < start * o.batch; i++) rng();
  }
  for (let step = start; step < o.steps; step++) {
    if (o.deadline && Date.now() > o.deadline) break;
    const t0 = performance.now();
    const { ids, targets } = sampleBatch(o.data, o.batch, o.seqLen, rng);
    feeds.ids = new ort.Tensor("int64", ids, [o.batch, o.seqLen]);
    feeds.targets = new ort.Tensor("int64", targets, [o.batch, o.seqLen]);
    const out = await session.run(feeds);
    const loss = (out.loss as ort.Tensor).data[0] as number;
    if (!Number.isFinite(loss)) throw new Error(`loss became ${loss} at step ${step}`);
    losses.push(loss);
    let sq = 0;
    for (const n of o.trainable) {
      const gr = (out[`grad:${n}`] as ort.Tensor).data as Float32Array;
      for (let i = 0; i < gr.length; i++) sq += (gr[i] as number) * (gr[i] as number);
    }
    const clipScale = o.clip && Math.sqrt(sq) > o.clip ? o.clip / Math.sqrt(sq) : 1;
    const lr = lrAt(step, o);
    const bc1 = 1 - BETA1 ** (step + 1);
    const bc2 = 1 - BETA2 ** (step + 1);
    for (const n of o.trainable) {
      const gr = (out[`grad:${n}`] as ort.Tensor).data as Float32Array;
      const w = (o.weights.get(n) as { data: Float32Array }).data;
      const mm = m.get(n) as Float32Array;
      const vv = v.get(n) as Float32Array;
      for (let i = 0; i < w.length; i++) {
        const gi = (gr[i] as number) * clipScale;
        const mi = BETA1 * (mm[i] as number) + (1 - BETA1) * gi;
        const vi = BETA2 * (vv[i] as number) + (1 - BETA2) * gi * gi;
        mm[i] = mi;
        vv[i] = vi;
        w[i] = (w[i] as number) - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + ADAM_EPS);
      }
      if (nonPositive.has(n)) for (let i = 0; i < w.length; i++) w[i] = Math.min(0, w[i] as number);
      if (unitNorm.has(n)) {
        let sq2 = 0;
        for (let i = 0; i < w.length; i++) sq2 += (w[i] as number) * (w[i] as number);
        const s = 1 / Math.sqrt(sq2 + 1e-12);
        for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) * s;
      }
    }
    stepsDone++;
    o.log?.(step, loss, performance.now() - t0);
    await o.afterStep?.(stepsDone);
    if (o.checkpoint && (stepsDone % every === 0 || stepsDone === o.steps))
      writeCheckpoint(o.checkpoint, o, stepsDone, losses, m, v);
  }
  await session.release();
  return { losses, stepsDone, tokensSeen: stepsDone * o.batch * o.seqLen };
}

interface CheckpointHeader {
  format: "flexolmo-train-checkpoint/1";
  step: number;
  steps: number;
  batch: number;
  seqLen: number;
  seed: number;
  lr: number;
  warmup: number;
  horizon?: number;
  cooldownFrom?: number;
  losses: number[];
  tensors: { name: string; length: number }[];
}

function writeCheckpoint(
  path: string,
  o: TrainOptions,
  step: number,
  losses: number[],
  m: Map<string, Float32Array>,
  v: Map<string, Float32Array>,
): void {
  const parts: { name: string; data: Float32Array }[] = [];
  for (const n of o.trainable) {
    parts.push({ name: `w:${n}`, data: (o.weights.get(n) as { data: Float32Array }).data });
    parts.push({ name: `m:${n}`, data: m.get(n) as Float32Array });
    parts.push({ name: `v:${n}`, data: v.get(n) as Float32Array });
  }
  const header: CheckpointHeader = {
    format: "flexolmo-train-checkpoint/1",
    step,
    steps: o.steps,
    batch: o.batch,
    seqLen: o.seqLen,
    seed: o.seed,
    lr: o.lr,
    warmup: o.warmup,
    horizon: o.horizon,
    cooldownFrom: o.cooldownFrom,
    losses,
    tensors: parts.map((p) => ({ name: p.name, length: p.data.length })),
  };
  const head = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  const body = Buffer.concat([
    len,
    head,
    ...parts.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength)),
  ]);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, body);
  renameSync(`${path}.tmp`, path);
}

function readCheckpoint(
  path: string,
  o: TrainOptions,
): { step: number; losses: number[]; tensors: Map<string, Float32Array> } {
  const raw = readFileSync(path);
  const hl = raw.readUInt32LE(0);
  const header = JSON.parse(raw.subarray(4, 4 + hl).toString("utf8")) as CheckpointHeader;
  const same =
    header.format === "flexolmo-train-checkpoint/1" &&
    header.batch === o.batch &&
    header.seqLen === o.seqLen &&
    header.seed === o.seed &&
    header.step <= o.steps &&
    sameRatesUpTo(header, o, header.step) &&
    header.tensors.length === o.trainable.length * 3;
  if (!same) throw new Error(`${path} belongs to another training run; delete it to start over`);
  const tensors = new Map<string, Float32Array>();
  let off = 4 + hl;
  for (const t of header.tensors) {
    const bytes = raw.subarray(off, off + t.length * 4);
    if (bytes.length !== t.length * 4) throw new Error(`${path} is truncated`);
    tensors.set(
      t.name,
      new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
    );
    off += t.length * 4;
  }
  for (const n of o.trainable) {
    const w = tensors.get(`w:${n}`);
    if (!w || w.length !== (o.weights.get(n) as { data: Float32Array }).data.length)
      throw new Error(`${path} does not match the parameters being trained (${n})`);
  }
  return { step: header.step, losses: header.losses, tensors };
}

/**
 * Mean held-out loss (nats/byte) and mean router input per layer over `windows` disjoint
 * windows of `seqLen` bytes, under a forward-only graph.
 */
export async function evaluateWindows(
  cfg: ModelConfig,
  experts: StepExpert[],
  weights: WeightMap,
  data: Uint8Array,
  seqLen: number,
  maxWindows: number,
  threads = 2,
): Promise<{ loss: number; hiddenMean: Float32Array }> {
  const T = Math.min(seqLen, data.length - 1);
  const windows = Math.max(1, Math.min(maxWindows, Math.floor((data.length - 1) / T)));
  const graph = buildStepGraph(cfg, {
    batch: 1,
    seqLen: T,
    experts,
    trainable: new Set(),
    hiddenMeans: true,
  });
  const session = await ort.InferenceSession.create(graph.bytes, { intraOpNumThreads: threads });
  const feeds: Record<string, ort.Tensor> = {};
  for (const n of graph.paramNames) {
    const t = weights.get(n);
    if (!t) throw new Error(`missing weight ${n}`);
    feeds[n] = new ort.Tensor("float32", t.data, t.shape);
  }
  let lossSum = 0;
  const hidden = new Float32Array(cfg.layers * cfg.dModel);
  for (let w = 0; w < windows; w++) {
    const off = w * T;
    const ids = new BigInt64Array(T);
    const targets = new BigInt64Array(T);
    for (let t = 0; t < T; t++) {
      ids[t] = BigInt(data[off + t] as number);
      targets[t] = BigInt(data[off + t + 1] as number);
    }
    feeds.ids = new ort.Tensor("int64", ids, [1, T]);
    feeds.targets = new ort.Tensor("int64", targets, [1, T]);
    const out = await session.run(feeds);
    lossSum += (out.loss as ort.Tensor).data[0] as number;
    const h = (out.hidden_mean as ort.Tensor).data as Float32Array;
    for (let i = 0; i < hidden.length; i++) hidden[i] = (hidden[i] as number) + (h[i] as number) / windows;
  }
  await session.release();
  return { loss: lossSum / windows, hiddenMean: hidden };
}
