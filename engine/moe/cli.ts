/**
 * FlexOlmo's command line: `npm run -s moe -- <command> [options]`.
 * `--json` prints one JSON object on stdout (errors too: {"error": ..., "code": ...}).
 * Exit status: 0 ok, 1 failure (a refused package, a broken model), 2 bad usage.
 */
import { parseArgs } from "node:util";
import { PUBLIC_DOMAIN } from "./config";
import { OWNER_DEFAULTS, trainExpertPackage } from "./contribute";
import { convertModelFolder } from "./convert";
import { FlexOlmoError } from "./errors";
import { heldoutForModel, runEvaluation, toMarkdown, writeReport } from "./eval";
import { DEFAULT_MODEL_DIR, loadFlexOlmo } from "./index";
import { baseModelId, readVerifiedModel } from "./manifest";
import { SCORE_BYTES } from "./merge";
import { ExpertPackageError, installExpert, readPackage, removeExpert } from "./package";
import { ablationMarkdown, ROUTER_TUNING_DEFAULTS, routerAblation } from "./router-ablation";

const USAGE = `usage: npm run -s moe -- <command> [options]

  expert train --name NAME --data FILE.jsonl[.gz] --model DIR --out PKG
               --contributor WHO --licence LICENCE [--statement TEXT]
               [--steps N] [--lr X] [--seed N] [--threads N]
        train an expert on the owner's file against the model in DIR (frozen) and write a
        package PKG (weights, router, data statement, held-out scores; never text)
  expert install PKG --model DIR     add the package's expert to the model folder
  expert remove NAME --model DIR     take an expert out of the model folder
  expert inspect PKG                 what a package holds, and whether it is intact
  expert list --model DIR            the experts of a model folder
  eval --model DIR [--data NAME=FILE.jsonl]... [--max-bytes N] [--top-k K] [--work D] [--write]
        held-out bits per byte per configuration and domain; --write also updates
        DIR/eval.json and DIR/eval.md
  convert --model OLD --out NEW      rewrite a folder of the older manifest format
        (flexolmo-mini/1, router inside attn.onnx) as the current one; same weights
  ablate-router --model DIR [--steps N] [--sample-bytes N] [--max-bytes N] [--top-k K] [--work D]
        the evaluation under the shipped router and under a router trained jointly on a
        sample of every domain (experts frozen), against each domain's own expert alone

  --model defaults to ${DEFAULT_MODEL_DIR}   --json  print one JSON object`;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        data: { type: "string", multiple: true },
        model: { type: "string" },
        out: { type: "string" },
        steps: { type: "string" },
        lr: { type: "string" },
        seed: { type: "string" },
        threads: { type: "string" },
        contributor: { type: "string" },
        licence: { type: "string" },
        license: { type: "string" },
        statement: { type: "string" },
        "max-bytes": { type: "string" },
        "top-k": { type: "string" },
        "sample-bytes": { type: "string" },
        work: { type: "string" },
        corpus: { type: "string" },
        write: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function num(v: string | undefined, name: string, fallback: number, integer = true): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${v}`);
  return n;
}

function need(v: string | undefined, name: string): string {
  if (!v) throw new UsageError(`missing --${name}`);
  return v;
}

async function run(argv: string[], json: boolean): Promise<unknown> {
  const { values: o, positionals } = parse(argv);
  const [cmd, sub, arg, ...extra] = positionals;
  if (o.help || !cmd) throw new UsageError("");
  const modelDir = o.model ?? DEFAULT_MODEL_DIR;
  const log = (s: string) => {
    if (!json) process.stdout.write(`${s}\n`);
  };
  if (cmd === "expert" && sub === "train") {
    if (arg) throw new UsageError(`unexpected argument ${arg}`);
    const data = o.data ?? [];
    if (data.length !== 1) throw new UsageError("give exactly one --data FILE.jsonl[.gz]");
    const r = await trainExpertPackage({
      name: need(o.name, "name"),
      data: data[0] as string,
      modelDir: need(o.model, "model"),
      out: need(o.out, "out"),
      contributor: need(o.contributor, "contributor"),
      licence: need(o.licence ?? o.license, "licence"),
      statement: o.statement,
      steps: num(o.steps, "steps", OWNER_DEFAULTS.steps),
      lr: num(o.lr, "lr", OWNER_DEFAULTS.lr, false),
      seed: num(o.seed, "seed", OWNER_DEFAULTS.seed),
      threads: num(o.threads, "threads", 1),
      log: (m) => process.stderr.write(`${m}\n`),
    });
    const h = r.header.expert.heldout;
    log(
      `${o.out}: expert "${r.header.expert.id}", ${r.bytes} bytes, ${r.header.expert.trainingSteps} steps in ${r.seconds.toFixed(0)} s; held-out ${h.publicOnlyBitsPerByte.toFixed(3)} -> ${h.withExpertBitsPerByte.toFixed(3)} bits/byte; base ${r.header.base.name} ${r.header.base.id.slice(0, 12)}`,
    );
    return { package: o.out, bytes: r.bytes, seconds: r.seconds, header: r.header };
  }
  if (cmd === "expert" && sub === "install") {
    if (!arg || extra.length) throw new UsageError("give one package: expert install PKG --model DIR");
    const pkg = readPackage(arg);
    const entry = installExpert(pkg, need(o.model, "model"));
    log(
      `installed "${entry.id}" into ${o.model} (from ${entry.contribution?.contributor}, licence ${entry.contribution?.licence}); a running app picks it up on its next request`,
    );
    return { installed: entry.id, model: o.model, entry };
  }
  if (cmd === "expert" && sub === "remove") {
    if (!arg || extra.length) throw new UsageError("give one expert name: expert remove NAME --model DIR");
    const entry = removeExpert(arg, need(o.model, "model"));
    log(`removed "${entry.id}" from ${o.model}`);
    return { removed: entry.id, model: o.model };
  }
  if (cmd === "expert" && sub === "inspect") {
    if (!arg || extra.length) throw new UsageError("give one package: expert inspect PKG");
    const pkg = readPackage(arg);
    const { header } = pkg;
    const e = header.expert;
    log(`${arg}: intact (sha256 ${pkg.sha256.slice(0, 12)}), expert "${e.id}"`);
    log(`  base model     ${header.base.name} ${header.base.id.slice(0, 12)}`);
    log(`  contributor    ${header.contribution.contributor}`);
    log(`  licence        ${header.contribution.licence}`);
    log(
      `  data           ${header.contribution.dataDocuments} documents, ${header.contribution.dataBytes} bytes`,
    );
    if (header.contribution.statement) log(`  statement      ${header.contribution.statement}`);
    log(
      `  held-out       ${e.heldout.publicOnlyBitsPerByte.toFixed(3)} (public only) -> ${e.heldout.withExpertBitsPerByte.toFixed(3)} bits/byte (public + ${e.id})`,
    );
    log(`  training       ${e.trainingSteps} steps, ${e.trainingTokens} bytes`);
    if (o.model) {
      const base = baseModelId(readVerifiedModel(modelDir).manifest);
      log(`  fits ${modelDir}: ${base === header.base.id ? "yes" : `no (its base is ${base.slice(0, 12)})`}`);
    }
    return { package: arg, sha256: pkg.sha256, header };
  }
  if (cmd === "expert" && sub === "list") {
    const { manifest } = readVerifiedModel(modelDir);
    for (const e of manifest.experts)
      log(
        `${e.id.padEnd(12)} ${e.id === PUBLIC_DOMAIN ? "always on" : e.contribution ? `from ${e.contribution.contributor}` : "trained with the model"}  ${e.description}`,
      );
    return {
      model: modelDir,
      base: baseModelId(manifest),
      experts: manifest.experts.map(({ router, ...e }) => e),
    };
  }
  if (cmd === "eval") {
    if (sub) throw new UsageError(`unexpected argument ${sub}`);
    const extraData = new Map<string, string>();
    for (const d of o.data ?? []) {
      const eq = d.indexOf("=");
      if (eq <= 0) throw new UsageError(`--data must be NAME=FILE.jsonl, got ${d}`);
      extraData.set(d.slice(0, eq), d.slice(eq + 1));
    }
    const model = await loadFlexOlmo(modelDir, { threads: 1 });
    try {
      const topK = num(o["top-k"], "top-k", model.defaultTopK);
      const heldout = await heldoutForModel(model, {
        work: o.work ?? "data/moe-train",
        corpus: o.corpus ?? "data/corpus/flexmix-mini.jsonl",
        maxBytes: num(o["max-bytes"], "max-bytes", SCORE_BYTES),
        extra: extraData,
      });
      const report = await runEvaluation(model, modelDir, heldout, topK, (m) =>
        process.stderr.write(`${m}\n`),
      );
      if (o.write) writeReport(modelDir, report);
      log(toMarkdown(report));
      return report;
    } finally {
      await model.release();
    }
  }
  if (cmd === "convert") {
    if (sub) throw new UsageError(`unexpected argument ${sub}`);
    const m = convertModelFolder(need(o.model, "model"), need(o.out, "out"));
    log(`${o.out}: ${m.name}, format ${m.format}, experts ${m.experts.map((e) => e.id).join(", ")}`);
    return { model: o.out, format: m.format, experts: m.experts.map((e) => e.id) };
  }
  if (cmd === "ablate-router") {
    if (sub) throw new UsageError(`unexpected argument ${sub}`);
    const a = await routerAblation({
      modelDir,
      work: o.work ?? "data/moe-train",
      corpus: o.corpus ?? "data/corpus/flexmix-mini.jsonl",
      maxBytes: num(o["max-bytes"], "max-bytes", SCORE_BYTES),
      topK: o["top-k"] === undefined ? undefined : num(o["top-k"], "top-k", 2),
      tuning: {
        steps: num(o.steps, "steps", ROUTER_TUNING_DEFAULTS.steps),
        sampleBytes: num(o["sample-bytes"], "sample-bytes", ROUTER_TUNING_DEFAULTS.sampleBytes),
        lr: num(o.lr, "lr", ROUTER_TUNING_DEFAULTS.lr, false),
      },
      log: (m) => process.stderr.write(`${m}\n`),
    });
    log(ablationMarkdown(a));
    return a;
  }
  throw new UsageError(`unknown command: ${[cmd, sub].filter(Boolean).join(" ")}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes("--json");
  try {
    const result = await run(argv, json);
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) process.stderr.write(`${e.message}\n\n`);
      process.stderr.write(`${USAGE}\n`);
      process.exit(e.message ? 2 : 0);
    }
    const code = e instanceof ExpertPackageError || e instanceof FlexOlmoError ? e.code : undefined;
    const message = (e as Error).message ?? String(e);
    if (json) process.stdout.write(`${JSON.stringify({ error: message, code })}\n`);
    else process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  }
}

await main();
