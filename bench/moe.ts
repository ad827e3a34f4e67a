/**
 * `npm run bench:moe`: FlexOlmo-mini inference speed at batch 1 (prints figures, asserts nothing).
 *
 * - time to first token (64-byte prompt, prefill + first sample) and decode tokens/s, k = 2;
 * - tokens/s with 2, 4 and all experts installed (and enabled) at fixed k = 2: the cost of a token
 *   should not grow with the number of installed experts;
 * - tokens/s at k = 1, 2, 3: it should grow with k;
 * - routing overhead: the routed model (k = 2) against a dense model of the same active size
 *   (the same two experts' FFNs concatenated into one FFN of width 2F, no router), same pipeline.
 *
 * Usage: npx tsx bench/moe.ts [--model D] [--tokens N] [--runs R] [--write]  (--write updates
 * this part's section of bench/README.md)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { concatenatedFfnSession } from "../engine/moe/baseline";
import { type FlexOlmo, type GenerateOptions, loadFlexOlmo } from "../engine/moe/index";

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
};
const modelDir = flag("model", "models/flexolmo-mini");
const tokens = Number(flag("tokens", "160"));
const runs = Number(flag("runs", "15"));
const prompt = "The President said that the Congress of the United States should now consider the state ";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

interface Setting {
  name: string;
  model: FlexOlmo;
  opts: Partial<GenerateOptions>;
  ttft: number[];
  tps: number[];
}

/** One generation: [time to first token ms, decode tokens/s after the first]. */
async function once(s: Setting, seed: number): Promise<void> {
  const t0 = performance.now();
  let first = 0;
  let n = 0;
  for await (const c of s.model.generate({ prompt, maxTokens: tokens, temperature: 0.8, seed, ...s.opts })) {
    if (c.finishReason) break;
    n++;
    if (n === 1) first = performance.now();
  }
  const end = performance.now();
  s.ttft.push(first - t0);
  s.tps.push((n - 1) / ((end - first) / 1000));
}

async function main(): Promise<void> {
  const full = await loadFlexOlmo(modelDir);
  const ids = full.experts.map((e) => e.id);
  const closed = ids.slice(1);
  const sub2 = await loadFlexOlmo(modelDir, { experts: closed.slice(0, 1) });
  const sub4 = await loadFlexOlmo(modelDir, { experts: closed.slice(0, 3) });
  // Dense model of the same active size: public + first closed expert concatenated (width 2F).
  const dense = await loadFlexOlmo(modelDir);
  const ffn = await concatenatedFfnSession(modelDir, dense.manifest, ids.slice(0, 2));
  dense.setDenseFfn(ffn);
  const mk = (name: string, model: FlexOlmo, opts: Partial<GenerateOptions>): Setting => ({
    name,
    model,
    opts,
    ttft: [],
    tps: [],
  });
  const settings: Setting[] = [
    mk(`k = 1, all ${ids.length} experts installed`, full, { topK: 1 }),
    mk(`k = 2, all ${ids.length} experts installed (default)`, full, { topK: 2 }),
    mk(`k = 3, all ${ids.length} experts installed`, full, { topK: 3 }),
    mk("k = 2, 2 experts installed", sub2, { topK: 2 }),
    mk("k = 2, 4 experts installed", sub4, { topK: 2 }),
    mk(`dense, same active size as k = 2 (one FFN of width ${2 * full.config.ffnHidden})`, dense, {}),
  ];
  // Warm-up, then rounds that interleave the settings so background load hits them alike.
  for (const s of settings) {
    await once(s, 99);
    s.ttft.length = 0;
    s.tps.length = 0;
  }
  for (let r = 0; r < runs; r++) for (const s of settings) await once(s, r);
  const best = (xs: number[]) => Math.max(...xs);
  const fastest = (xs: number[]) => Math.min(...xs);
  const moe = settings[1] as Setting;
  const den = settings[5] as Setting;
  const overheadBest = best(den.tps) / best(moe.tps);
  const overheadMedian = median(den.tps) / median(moe.tps);
  await ffn.release();
  for (const m of [full, sub2, sub4, dense]) await m.release();
  const cfg = full.config;
  const table = [
    "| setting | decode tok/s (median) | decode tok/s (best) | time to first token (median) | (best) |",
    "|---|---:|---:|---:|---:|",
    ...settings.map(
      (s) =>
        `| ${s.name} | ${median(s.tps).toFixed(0)} | ${best(s.tps).toFixed(0)} | ${median(s.ttft).toFixed(1)} ms | ${fastest(s.ttft).toFixed(1)} ms |`,
    ),
  ].join("\n");
  const summary = `Routing overhead, time per token of the routed model (k = 2) over the dense model of the same active size: ${overheadBest.toFixed(2)}x on best runs, ${overheadMedian.toFixed(2)}x on medians (target <= 1.3x: ${overheadBest <= 1.3 ? "met" : "not met"} on best runs).`;
  const section = [
    "## FlexOlmo-mini (byte-level MoE): `npm run bench:moe`",
    "",
    `Model: ${cfg.layers} layers, d = ${cfg.dModel}, ${cfg.heads} heads, expert FFN width ${cfg.ffnHidden}, context ${cfg.context} bytes, ${ids.length} experts (${ids.join(", ")}).`,
    `onnxruntime-node 1.30, one intra-op thread per session, batch 1, ${tokens} generated bytes per run, prompt of ${new TextEncoder().encode(prompt).length} bytes;`,
    `${runs} rounds after a warm-up, settings interleaved within each round. The 2 vCPUs were shared with other jobs, so "best" is the better estimate of the uncontended speed.`,
    "",
    table,
    "",
    summary,
    "",
  ].join("\n");
  console.log(section);
  if (args.includes("--write")) {
    const path = "bench/README.md";
    const text = readFileSync(path, "utf8");
    const start = text.indexOf("## FlexOlmo-mini");
    let next = start >= 0 ? text.indexOf("\n## ", start + 3) : -1;
    if (next < 0) next = text.length;
    const updated =
      start >= 0 ? text.slice(0, start) + section + text.slice(next + 1) : `${text.trimEnd()}\n\n${section}`;
    writeFileSync(path, updated);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
