/**
 * Training one closed-domain expert against a frozen public model (FlexOlmo's step 3), shared by
 * `npm run train` (one process per corpus domain) and `moe expert train` (a data owner's file):
 *
 *   - the public model is frozen: embeddings, attention, norms, the public FFN and its router row;
 *   - the new expert's FFN starts as an exact copy of the public FFN;
 *   - its router row per layer starts as the domain embedding: the unit-normalised mean router
 *     input of the domain's text under the public model;
 *   - the two-expert MoE [public, new] is trained on the domain's text, updating only the new
 *     FFN, its router rows (kept unit length) and its router biases (kept <= 0).
 */
import { type ModelConfig, PUBLIC_DOMAIN } from "./config";
import { ffnNames, routerNames } from "./params";
import { evaluateWindows, lossSummaryBits, train } from "./trainer";
import type { WeightMap } from "./weights";

export interface ExpertSchedule {
  seed: number;
  batch: number;
  seqLen: number;
  steps: number;
  lr: number;
  /** Windows of domain text averaged for the domain embedding. */
  embedWindows: number;
}

export interface ExpertTrainResult {
  /** The expert's own tensors: `<id>.l<l>.w1|w2|router|bias`. */
  weights: WeightMap;
  steps: number;
  tokens: number;
  seconds: number;
  firstLossBits: number;
  lastLossBits: number;
  /** Held-out bits per byte (training graph, up to 64 windows): public model alone, and with the expert. */
  heldoutPublicOnly: number;
  heldoutWithExpert: number;
}

const LN2 = Math.log(2);
/** Held-out windows scored before and after training. */
export const HELDOUT_WINDOWS = 64;

function normalizeRows(hidden: Float32Array, cfg: ModelConfig): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const row = hidden.slice(l * cfg.dModel, (l + 1) * cfg.dModel);
    let n = 0;
    for (const v of row) n += v * v;
    const s = 1 / Math.sqrt(n + 1e-12);
    for (let i = 0; i < row.length; i++) row[i] = (row[i] as number) * s;
    rows.push(row);
  }
  return rows;
}

/** Router rows from a domain embedding: per layer, the unit-normalised mean router input. */
export async function domainRouterRows(
  cfg: ModelConfig,
  publicWeights: WeightMap,
  text: Uint8Array,
  seqLen: number,
  windows: number,
  threads: number,
): Promise<Float32Array[]> {
  const { hiddenMean } = await evaluateWindows(
    cfg,
    [{ id: PUBLIC_DOMAIN, hasBias: false }],
    publicWeights,
    text,
    seqLen,
    windows,
    threads,
  );
  return normalizeRows(hiddenMean, cfg);
}

/** Seed offset of a domain's batch sampler, so experts of different domains draw different windows. */
export function hashDomain(domain: string): number {
  let h = 0;
  for (let i = 0; i < domain.length; i++) h = (h * 31 + domain.charCodeAt(i)) % 100003;
  return h;
}

/**
 * Trains expert `id` on `data`, scoring `heldout` before and after. `publicWeights` (the public
 * model, see onnx-weights.ts or a public-stage checkpoint) is not modified.
 */
export async function trainExpert(o: {
  cfg: ModelConfig;
  schedule: ExpertSchedule;
  publicWeights: WeightMap;
  id: string;
  data: Uint8Array;
  heldout: Uint8Array;
  threads?: number;
  /** Resumable training checkpoint file (see trainer.ts). */
  checkpoint?: string;
  log?: (msg: string) => void;
  /** Also score the held-out slice every this many steps and log it (a learning curve). */
  heldoutEvery?: number;
}): Promise<ExpertTrainResult> {
  const { cfg, schedule: s, id } = o;
  if (id === PUBLIC_DOMAIN) throw new Error("the public domain has no separate expert");
  const threads = o.threads ?? 1;
  const weights: WeightMap = new Map(o.publicWeights);
  const publicOnly = [{ id: PUBLIC_DOMAIN, hasBias: false }];
  const before = await evaluateWindows(
    cfg,
    publicOnly,
    weights,
    o.heldout,
    s.seqLen,
    HELDOUT_WINDOWS,
    threads,
  );
  for (let l = 0; l < cfg.layers; l++) {
    for (const w of ["w1", "w2"]) {
      const src = weights.get(`${PUBLIC_DOMAIN}.l${l}.${w}`) as { shape: number[]; data: Float32Array };
      weights.set(`${id}.l${l}.${w}`, { shape: src.shape.slice(), data: src.data.slice() });
    }
  }
  const rows = await domainRouterRows(cfg, weights, o.data, s.seqLen, s.embedWindows, threads);
  rows.forEach((row, l) => {
    weights.set(`${id}.l${l}.router`, { shape: [cfg.dModel], data: row });
    weights.set(`${id}.l${l}.bias`, { shape: [1], data: new Float32Array(1) });
  });
  const experts = [
    { id: PUBLIC_DOMAIN, hasBias: false },
    { id, hasBias: true },
  ];
  const trainable = [...ffnNames(cfg, id), ...routerNames(cfg, id, true)];
  const t0 = Date.now();
  const result = await train({
    cfg,
    experts,
    trainable,
    weights,
    data: o.data,
    steps: s.steps,
    batch: s.batch,
    seqLen: s.seqLen,
    lr: s.lr,
    warmup: Math.max(1, Math.round(s.steps * 0.05)),
    seed: s.seed + 1 + hashDomain(id),
    clip: 1,
    threads,
    checkpoint: o.checkpoint,
    nonPositive: routerNames(cfg, id, true).filter((n) => n.endsWith(".bias")),
    unitNorm: routerNames(cfg, id, false),
    log: (step, loss, ms) => {
      if (step % 20 === 0 || step === s.steps - 1)
        o.log?.(`[${id}] step ${step} loss ${(loss / LN2).toFixed(3)} bits/byte ${ms.toFixed(0)} ms`);
    },
    afterStep: async (done) => {
      if (!o.heldoutEvery || done % o.heldoutEvery !== 0 || done === s.steps) return;
      const h = await evaluateWindows(cfg, experts, weights, o.heldout, s.seqLen, HELDOUT_WINDOWS, threads);
      o.log?.(`[${id}] after ${done} steps: held-out ${(h.loss / LN2).toFixed(3)} bits/byte`);
    },
  });
  const after = await evaluateWindows(cfg, experts, weights, o.heldout, s.seqLen, HELDOUT_WINDOWS, threads);
  const own: WeightMap = new Map();
  for (const n of trainable) own.set(n, weights.get(n) as { shape: number[]; data: Float32Array });
  return {
    weights: own,
    steps: result.stepsDone,
    tokens: result.tokensSeen,
    seconds: (Date.now() - t0) / 1000,
    ...lossSummaryBits(result.losses),
    heldoutPublicOnly: before.loss / LN2,
    heldoutWithExpert: after.loss / LN2,
  };
}
