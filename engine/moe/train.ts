/**
 * `npm run train`: reproduces models/flexolmo-mini end to end with fixed seeds.
 *
 *   1. prepare  split the corpus into one folder per domain (train bytes + held-out slice)
 *   2. public   train the dense model on the public domain; compute the public router row
 *   3. expert   once per closed domain, in a separate process given only that domain's folder:
 *               copy the public model into a two-expert MoE [public, new], the new FFN a copy of
 *               the public FFN, its router row the domain embedding (mean router input of the
 *               domain's text under the public model); train only the new FFN, its router row
 *               and its non-positive bias
 *   4. merge    stack the public expert and every domain expert with their router rows (no joint
 *               training), export ONNX files + manifest, score held-out text
 *
 * Usage: npx tsx engine/moe/train.ts [all|prepare|public|expert|merge] [--corpus F] [--work D]
 *        [--out D] [--domain NAME] [--scale F]   (--scale multiplies every step count, e.g. 0.1
 *        for a quick rehearsal)
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MINI_CONFIG, MINI_SCHEDULE, type ModelConfig, PUBLIC_DOMAIN, type Schedule } from "./config";

export type { Schedule };

import { type DomainSplit, prepareDomainFolders, readDomainFolder } from "./data";
import { domainRouterRows, type ExpertSchedule, trainExpert } from "./expert-train";
import { mergeAndExport } from "./merge";
import { ffnNames, initDenseWeights, sharedNames } from "./params";
import { evaluateWindows, lossSummaryBits, train } from "./trainer";
import { loadWeights, saveWeights } from "./weights";

const LN2 = Math.log(2);
/** An expert stage logs its held-out bits per byte every this many steps (its learning curve). */
const HELDOUT_EVERY = 200;

/** What a training stage is given: the model, the schedule, one domain's folder and the output checkpoint. */
export interface StageOptions {
  cfg: ModelConfig;
  schedule: Schedule;
  domainDir: string;
  out: string;
  threads?: number;
  log?: (msg: string) => void;
}

/** A stage's inputs: its options unpacked and its domain folder read (train and held-out windows). */
function openStage(opts: StageOptions) {
  return {
    cfg: opts.cfg,
    s: opts.schedule,
    log: opts.log ?? console.log,
    ...readDomainFolder(opts.domainDir),
  };
}

export async function runPublicStage(opts: StageOptions): Promise<void> {
  const { cfg, s, log, train: data, heldout, split } = openStage(opts);
  const weights = initDenseWeights(cfg, s.seed, PUBLIC_DOMAIN);
  const t0 = Date.now();
  const result = await train({
    cfg,
    experts: [{ id: PUBLIC_DOMAIN, hasBias: false }],
    trainable: [...sharedNames(cfg), ...ffnNames(cfg, PUBLIC_DOMAIN)],
    weights,
    data,
    steps: s.publicSteps,
    batch: s.batch,
    seqLen: s.seqLen,
    lr: s.publicLr,
    warmup: Math.max(1, Math.round(s.publicHorizon * 0.05)),
    horizon: s.publicHorizon,
    cooldownFrom: s.publicCooldownFrom,
    seed: s.seed,
    clip: 1,
    threads: opts.threads,
    checkpoint: `${opts.out}.ckpt`,
    log: (step, loss, ms) => {
      if (step % 25 === 0 || step === s.publicSteps - 1)
        log(`[public] step ${step} loss ${(loss / LN2).toFixed(3)} bits/byte ${ms.toFixed(0)} ms`);
    },
  });
  const rows = await domainRouterRows(cfg, weights, data, s.seqLen, s.embedWindows, opts.threads ?? 1);
  rows.forEach((row, l) => {
    weights.set(`${PUBLIC_DOMAIN}.l${l}.router`, { shape: [cfg.dModel], data: row });
  });
  const held = await evaluateWindows(
    cfg,
    [{ id: PUBLIC_DOMAIN, hasBias: false }],
    weights,
    heldout,
    s.seqLen,
    64,
    opts.threads ?? 1,
  );
  saveWeights(opts.out, weights, {
    stage: "public",
    domain: PUBLIC_DOMAIN,
    documents: split.trainDocs,
    heldoutDocuments: split.heldoutDocs,
    steps: result.stepsDone,
    tokens: result.tokensSeen,
    seconds: (Date.now() - t0) / 1000,
    ...lossSummaryBits(result.losses),
    heldoutBitsPerByte: held.loss / LN2,
    config: cfg,
    schedule: publicSchedule(s),
  });
  log(`[public] done: ${result.stepsDone} steps, held-out ${(held.loss / LN2).toFixed(3)} bits/byte`);
}

/**
 * Trains one closed-domain expert. Reads only `domainDir` (that domain's bytes) and the public
 * checkpoint; writes the expert's FFN, router rows and biases.
 */
export async function runExpertStage(opts: StageOptions & { publicCheckpoint: string }): Promise<void> {
  const { cfg, s, log, train: data, heldout, split } = openStage(opts);
  const domain = split.domain;
  if (domain === PUBLIC_DOMAIN) throw new Error("the public domain has no separate expert");
  const r = await trainExpert({
    cfg,
    schedule: expertSchedule(s),
    publicWeights: loadWeights(opts.publicCheckpoint).weights,
    id: domain,
    data,
    heldout,
    threads: opts.threads,
    checkpoint: `${opts.out}.ckpt`,
    log,
    heldoutEvery: HELDOUT_EVERY,
  });
  saveWeights(opts.out, r.weights, {
    stage: "expert",
    domain,
    documents: split.trainDocs,
    heldoutDocuments: split.heldoutDocs,
    steps: r.steps,
    tokens: r.tokens,
    seconds: r.seconds,
    firstLossBits: r.firstLossBits,
    lastLossBits: r.lastLossBits,
    heldoutBitsPerBytePublicOnly: r.heldoutPublicOnly,
    heldoutBitsPerByteWithExpert: r.heldoutWithExpert,
    schedule: expertSchedule(s),
  });
  log(
    `[${domain}] done: held-out ${r.heldoutPublicOnly.toFixed(3)} -> ${r.heldoutWithExpert.toFixed(3)} bits/byte`,
  );
}

/** The fields of a schedule the expert stage uses (recorded with each expert). */
export function expertSchedule(s: Schedule): ExpertSchedule {
  return {
    seed: s.seed,
    batch: s.expertBatch,
    seqLen: s.seqLen,
    steps: s.expertSteps,
    lr: s.expertLr,
    embedWindows: s.embedWindows,
  };
}

/** The fields of a schedule the public stage uses (recorded with the public model). */
export function publicSchedule(s: Schedule) {
  return {
    seed: s.seed,
    batch: s.batch,
    seqLen: s.seqLen,
    steps: s.publicSteps,
    horizon: s.publicHorizon,
    cooldownFrom: s.publicCooldownFrom,
    lr: s.publicLr,
    embedWindows: s.embedWindows,
  };
}

/** Whether a stage's output exists and was trained with this schedule (so `all` can resume after a crash). */
function finished(path: string, schedule: object): boolean {
  if (!existsSync(path) || !existsSync(`${path}.json`)) return false;
  try {
    const meta = JSON.parse(readFileSync(`${path}.json`, "utf8")).meta as { schedule?: object };
    return JSON.stringify(meta.schedule) === JSON.stringify(schedule);
  } catch {
    return false;
  }
}

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, ["--import", "tsx", self, ...args], { stdio: "inherit" });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`train.ts ${args.join(" ")} exited with ${code}`)),
    );
    child.on("error", reject);
  });
}

function parseArgs(argv: string[]): { stage: string; flags: Record<string, string> } {
  const flags: Record<string, string> = {};
  let stage = "all";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith("--")) {
      flags[a.slice(2)] = argv[i + 1] ?? "";
      i++;
    } else stage = a;
  }
  return { stage, flags };
}

function scaled(s: Schedule, scale: number): Schedule {
  if (scale === 1) return s;
  return {
    ...s,
    publicSteps: Math.max(2, Math.round(s.publicSteps * scale)),
    publicHorizon: Math.max(2, Math.round(s.publicHorizon * scale)),
    publicCooldownFrom: Math.max(1, Math.round(s.publicCooldownFrom * scale)),
    expertSteps: Math.max(2, Math.round(s.expertSteps * scale)),
  };
}

async function main(): Promise<void> {
  const { stage, flags } = parseArgs(process.argv.slice(2));
  const corpus = flags.corpus ?? "data/corpus/flexmix-mini.jsonl";
  const work = flags.work ?? "data/moe-train";
  const out = flags.out ?? "models/flexolmo-mini";
  const cfg = MINI_CONFIG;
  const schedule = scaled(MINI_SCHEDULE, Number(flags.scale ?? "1"));
  const threads = Number(flags.threads ?? "1");
  const parallel = Math.max(1, Number(flags.parallel ?? schedule.parallelExperts));
  const domainsDir = join(work, "domains");
  const publicCkpt = join(work, "public.bin");
  if (stage === "prepare" || stage === "all") {
    if (!existsSync(corpus))
      throw new Error(`corpus ${corpus} not found: run \`npm run -s setup:data\` first`);
    const splits = await prepareDomainFolders(corpus, domainsDir);
    for (const sp of splits)
      console.log(
        `[prepare] ${sp.domain}: ${sp.trainDocs} train docs (${sp.trainBytes} B), ${sp.heldoutDocs} held out (${sp.heldoutBytes} B)`,
      );
    if (!splits.some((sp) => sp.domain === PUBLIC_DOMAIN))
      throw new Error(`corpus has no "${PUBLIC_DOMAIN}" domain`);
  }
  if (stage === "public" || stage === "all") {
    if (stage === "all") {
      if (finished(publicCkpt, publicSchedule(schedule)))
        console.log(`[public] ${publicCkpt} is complete; kept`);
      else await runChild(["public", "--work", work, "--scale", flags.scale ?? "1", "--threads", "1"]);
    } else
      await runPublicStage({
        cfg,
        schedule,
        domainDir: join(domainsDir, PUBLIC_DOMAIN),
        out: publicCkpt,
        threads,
      });
  }
  if (stage === "expert") {
    const domain = flags.domain;
    if (!domain) throw new Error("--domain is required");
    await runExpertStage({
      cfg,
      schedule,
      domainDir: join(domainsDir, domain),
      publicCheckpoint: publicCkpt,
      out: join(work, `expert-${domain}.bin`),
      threads,
    });
  }
  if (stage === "all") {
    const splits = JSON.parse(readFileSync(join(domainsDir, "splits.json"), "utf8")) as DomainSplit[];
    const closed = splits.map((sp) => sp.domain).filter((d) => d !== PUBLIC_DOMAIN);
    const queue = closed.filter((d) => {
      const done = finished(join(work, `expert-${d}.bin`), expertSchedule(schedule));
      if (done) console.log(`[${d}] expert-${d}.bin is complete; kept`);
      return !done;
    });
    const worker = async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        await runChild([
          "expert",
          "--domain",
          d,
          "--work",
          work,
          "--scale",
          flags.scale ?? "1",
          "--threads",
          "1",
        ]);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  }
  if (stage === "merge" || stage === "all") {
    const domains = readdirSync(work)
      .filter((f) => /^expert-.+\.bin$/.test(f))
      .map((f) => f.slice("expert-".length, -".bin".length))
      .sort();
    await mergeAndExport({ cfg, work, domainsDir, publicCheckpoint: publicCkpt, domains, outDir: out });
    console.log(`[merge] wrote ${out}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
