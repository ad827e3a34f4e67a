/**
 * Router ablation (`npm run -s moe -- ablate-router --model DIR`): why the routed model falls short
 * of each domain's own expert. The same experts are scored under three routers:
 *
 *   - learned:  the shipped router rows and biases (each trained by its owner against the public
 *               expert only, on the owner's domain only: FlexOlmo's data-separated router);
 *   - oracle:   each domain's text routed to the public expert and that domain's own expert (the
 *               "public + <domain>" rows of the evaluation): what perfect domain routing gives;
 *   - owner:    each expert's router row and bias tuned by its owner alone (experts frozen), in the
 *               two-expert model [public, own] on a sample of the owner's text plus as much public text:
 *               data stays separated, but each row now also sees tokens it should leave to the public
 *               expert;
 *   - tuned:    every router row and bias trained jointly (experts frozen) on a small sample of each
 *               domain's training text: the paper's optional router training on proxy data, with
 *               samples of the real domains standing in for proxy data (a real deployment would use
 *               public text that resembles each domain, since owners do not share their data).
 *
 * For the learned and tuned routers the full evaluation (runEvaluation) runs on a copy of the model
 * folder whose manifest carries that router, so the five claims are checked the same way.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PUBLIC_DOMAIN } from "./config";
import { readDomainFolder } from "./data";
import { type EvalReport, heldoutForModel, runEvaluation } from "./eval";
import { loadFlexOlmo } from "./index";
import { type FlexOlmoManifest, readVerifiedModel } from "./manifest";
import { routerOf } from "./merge";
import { expertFfnFromBytes, publicWeights } from "./onnx-weights";
import { routerNames } from "./params";
import { lossSummaryBits, train } from "./trainer";
import type { WeightMap } from "./weights";

export interface RouterTuning {
  /** Bytes of each domain's training text used (from the start of its train.bin). */
  sampleBytes: number;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
}

export const ROUTER_TUNING_DEFAULTS: RouterTuning = {
  sampleBytes: 32 * 1024,
  steps: 150,
  batch: 8,
  lr: 1e-2,
  seed: 20250711,
};

export interface RouterAblation {
  tuning: RouterTuning & { domains: string[]; firstLossBits: number; lastLossBits: number; seconds: number };
  learned: EvalReport;
  owner: EvalReport;
  tuned: EvalReport;
  /** Per closed domain: own expert only (oracle), all experts under each router. */
  summary: {
    domain: string;
    oracle: number;
    learned: number;
    owner: number;
    tuned: number;
    /** Routing weight the domain's own expert gets on its text with every expert on. */
    learnedOwnShare: number;
    ownerOwnShare: number;
    tunedOwnShare: number;
  }[];
}

/** The whole model (every expert's FFN, router rows and biases) as training weights. */
export function modelWeights(manifest: FlexOlmoManifest, files: Map<string, Uint8Array>): WeightMap {
  const cfg = manifest.config;
  const w = publicWeights(manifest, files);
  for (const e of manifest.experts) {
    if (e.id === PUBLIC_DOMAIN) continue;
    const ffn = expertFfnFromBytes(files.get(e.file) as Uint8Array, cfg, e.file);
    for (let l = 0; l < cfg.layers; l++) {
      w.set(`${e.id}.l${l}.w1`, { shape: [cfg.dModel, cfg.ffnHidden], data: ffn.w1[l] as Float32Array });
      w.set(`${e.id}.l${l}.w2`, { shape: [cfg.ffnHidden, cfg.dModel], data: ffn.w2[l] as Float32Array });
      w.set(`${e.id}.l${l}.router`, {
        shape: [cfg.dModel],
        data: Float32Array.from(e.router.rows[l] as number[]),
      });
      w.set(`${e.id}.l${l}.bias`, { shape: [1], data: Float32Array.of(e.router.bias[l] as number) });
    }
  }
  return w;
}

/**
 * Trains every expert's router rows and biases jointly (the experts, attention and embeddings stay
 * frozen) on `samples` (domain -> bytes, equal sizes keep the domains balanced); returns the
 * manifest with the tuned routers. The step graph mixes all experts densely (softmax weights).
 */
export async function tuneRouter(
  manifest: FlexOlmoManifest,
  files: Map<string, Uint8Array>,
  samples: Uint8Array[],
  t: RouterTuning,
  log: (m: string) => void = () => {},
  /** Tune only this expert's row and bias, in the two-expert model [public, it]. */
  only?: string,
): Promise<{ manifest: FlexOlmoManifest; firstLossBits: number; lastLossBits: number }> {
  const cfg = manifest.config;
  const weights = modelWeights(manifest, files);
  const data = new Uint8Array(samples.reduce((a, s) => a + s.length, 0));
  let off = 0;
  for (const s of samples) {
    data.set(s, off);
    off += s.length;
  }
  const experts = manifest.experts
    .filter((e) => only === undefined || e.id === PUBLIC_DOMAIN || e.id === only)
    .map((e) => ({ id: e.id, hasBias: e.id !== PUBLIC_DOMAIN }));
  const trainable = experts
    .filter((e) => only === undefined || e.id === only)
    .flatMap((e) => routerNames(cfg, e.id, e.hasBias));
  const result = await train({
    cfg,
    experts,
    trainable,
    weights,
    data,
    steps: t.steps,
    batch: t.batch,
    seqLen: Math.min(256, cfg.context),
    lr: t.lr,
    warmup: Math.max(1, Math.round(t.steps * 0.05)),
    seed: t.seed,
    clip: 1,
    threads: 1,
    nonPositive: trainable.filter((n) => n.endsWith(".bias")),
    log: (step, loss) => {
      if (step % 25 === 0 || step === t.steps - 1)
        log(`[router${only ? ` ${only}` : ""}] step ${step} loss ${(loss / Math.LN2).toFixed(3)} bits/byte`);
    },
  });
  const tuned: FlexOlmoManifest = {
    ...manifest,
    experts: manifest.experts.map((e) =>
      only === undefined || e.id === only ? { ...e, router: routerOf(cfg, weights, e.id) } : e,
    ),
  };
  return { manifest: tuned, ...lossSummaryBits(result.losses) };
}

/** A throwaway copy of a model folder with another manifest (same files, so the same checksums). */
function folderWithManifest(modelDir: string, manifest: FlexOlmoManifest): string {
  const dir = mkdtempSync(join(tmpdir(), "flexolmo-router-"));
  for (const name of Object.keys(manifest.files)) copyFileSync(join(modelDir, name), join(dir, name));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

async function evaluateFolder(
  dir: string,
  o: { work: string; corpus: string; maxBytes: number; topK?: number },
  log: (m: string) => void,
): Promise<EvalReport> {
  const model = await loadFlexOlmo(dir, { threads: 1 });
  try {
    const heldout = await heldoutForModel(model, o);
    return await runEvaluation(model, dir, heldout, o.topK ?? model.defaultTopK, log);
  } finally {
    await model.release();
  }
}

export async function routerAblation(o: {
  modelDir: string;
  /** `npm run train`'s work folder: held-out slices and the training text the samples come from. */
  work: string;
  corpus: string;
  maxBytes: number;
  topK?: number;
  tuning?: Partial<RouterTuning>;
  log?: (m: string) => void;
}): Promise<RouterAblation> {
  const log = o.log ?? (() => {});
  const t: RouterTuning = { ...ROUTER_TUNING_DEFAULTS, ...o.tuning };
  const { manifest, files } = readVerifiedModel(o.modelDir);
  const samples: Uint8Array[] = [];
  const domains: string[] = [];
  for (const e of manifest.experts) {
    let train: Uint8Array;
    try {
      train = readDomainFolder(join(o.work, "domains", e.domain)).train;
    } catch {
      throw new Error(
        `no training text for the "${e.domain}" expert under ${join(o.work, "domains")} (run \`npm run train prepare\`); the router ablation needs a sample of every expert's domain`,
      );
    }
    samples.push(train.subarray(0, t.sampleBytes));
    domains.push(e.domain);
  }
  const t0 = Date.now();
  log(`tuning the router on ${t.sampleBytes} bytes of each of ${domains.join(", ")} (${t.steps} steps)`);
  const tuned = await tuneRouter(manifest, files, samples, t, log);
  const seconds = (Date.now() - t0) / 1000;
  // Each owner alone: its own sample and the public sample, only its own row and bias.
  let owner = manifest;
  const publicSample = samples[0] as Uint8Array;
  for (let i = 1; i < manifest.experts.length; i++) {
    const id = (manifest.experts[i] as { id: string }).id;
    const r = await tuneRouter(owner, files, [samples[i] as Uint8Array, publicSample], t, log, id);
    owner = r.manifest;
  }
  const opts = { work: o.work, corpus: o.corpus, maxBytes: o.maxBytes, topK: o.topK };
  const dirs = [
    folderWithManifest(o.modelDir, manifest),
    folderWithManifest(o.modelDir, owner),
    folderWithManifest(o.modelDir, tuned.manifest),
  ];
  try {
    log("evaluating with the learned router");
    const learned = await evaluateFolder(dirs[0] as string, opts, log);
    log("evaluating with the owners' tuned routers");
    const ownerReport = await evaluateFolder(dirs[1] as string, opts, log);
    log("evaluating with the jointly tuned router");
    const tunedReport = await evaluateFolder(dirs[2] as string, opts, log);
    const row = (r: EvalReport, name: string) => r.rows.find((x) => x.name === name);
    const summary = learned.domains
      .filter((d) => d !== PUBLIC_DOMAIN && row(learned, `public + ${d}`))
      .map((d) => ({
        domain: d,
        oracle: row(learned, `public + ${d}`)?.bitsPerByte[d] as number,
        learned: row(learned, "all experts")?.bitsPerByte[d] as number,
        owner: row(ownerReport, "all experts")?.bitsPerByte[d] as number,
        tuned: row(tunedReport, "all experts")?.bitsPerByte[d] as number,
        learnedOwnShare: row(learned, "all experts")?.routingShare[d]?.[d] ?? 0,
        ownerOwnShare: row(ownerReport, "all experts")?.routingShare[d]?.[d] ?? 0,
        tunedOwnShare: row(tunedReport, "all experts")?.routingShare[d]?.[d] ?? 0,
      }));
    return {
      tuning: {
        ...t,
        domains,
        firstLossBits: tuned.firstLossBits,
        lastLossBits: tuned.lastLossBits,
        seconds,
      },
      learned,
      owner: ownerReport,
      tuned: tunedReport,
      summary,
    };
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export function ablationMarkdown(a: RouterAblation): string {
  const f = (x: number) => x.toFixed(3);
  const pct = (x: number, ref: number) => `${x >= ref ? "+" : ""}${(((x - ref) / ref) * 100).toFixed(1)}%`;
  const lines = [
    `Router ablation: each closed domain's held-out bits per byte with every expert on (top-k = ${a.learned.topK}), against its own expert alone (oracle routing); in brackets the gap to the oracle and the routing weight the domain's own expert gets.`,
    "",
    "| domain | oracle (own expert) | shipped router | owners' tuned routers | jointly tuned router |",
    "|---|---:|---:|---:|---:|",
    ...a.summary.map(
      (s) =>
        `| ${s.domain} | ${f(s.oracle)} | ${f(s.learned)} (${pct(s.learned, s.oracle)}, ${s.learnedOwnShare.toFixed(2)}) | ${f(s.owner)} (${pct(s.owner, s.oracle)}, ${s.ownerOwnShare.toFixed(2)}) | ${f(s.tuned)} (${pct(s.tuned, s.oracle)}, ${s.tunedOwnShare.toFixed(2)}) |`,
    ),
    ...(() => {
      const pub = (r: EvalReport) => r.rows.find((x) => x.name === "all experts")?.bitsPerByte[PUBLIC_DOMAIN];
      const only = a.learned.rows.find((x) => x.name === "public only")?.bitsPerByte[PUBLIC_DOMAIN];
      return only === undefined
        ? []
        : [
            "",
            `Public text with every expert on: ${f(only)} with the public expert alone; shipped router ${f(pub(a.learned) ?? 0)}, owners' tuned routers ${f(pub(a.owner) ?? 0)}, jointly tuned router ${f(pub(a.tuned) ?? 0)}.`,
          ];
    })(),
    "",
    `Owners' tuned routers: each closed expert's rows and bias alone, ${a.tuning.steps} steps of ${a.tuning.batch} x 256 bytes in the model [public, that expert] on the first ${a.tuning.sampleBytes} bytes of its own domain's training text plus as many of public text. Jointly tuned router: every router row and bias trained together for ${a.tuning.steps} steps of ${a.tuning.batch} x 256 bytes on the first ${a.tuning.sampleBytes} bytes of each domain's training text (${a.tuning.domains.join(", ")}), experts frozen; training loss ${f(a.tuning.firstLossBits)} -> ${f(a.tuning.lastLossBits)} bits/byte in ${a.tuning.seconds.toFixed(0)} s.`,
    "",
    "| claim | shipped router | owners' tuned routers | jointly tuned router |",
    "|---|---|---|---|",
    ...a.learned.claims.map((c, i) => {
      const cell = (x: { holds: boolean; detail: string } | undefined) =>
        x ? `${x.holds ? "holds" : "does not hold"}: ${x.detail}` : "";
      return `| ${c.claim} | ${cell(c)} | ${cell(a.owner.claims[i])} | ${cell(a.tuned.claims[i])} |`;
    }),
    "",
  ];
  return lines.join("\n");
}
