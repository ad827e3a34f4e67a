/**
 * Suffix sorting alone, one thread: the JavaScript sorter (engine/fm/sais.ts) against the WebAssembly one
 * (engine/fm/sais-wasm.ts) on shard texts of the default corpus, alternately in one process (A/B), with
 * the same text layout as the build (one byte per symbol, renumbered, separators 1, sentinel 0).
 *
 *   npx tsx bench/sais.ts [--rounds 3] [--shards email-0,code]
 *
 * Run it under `flock /tmp/bench.lock` on a quiet machine; it prints the 1-minute load average around
 * the runs. Checks that both sorters produce the same suffix array.
 */

import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { suffixArray } from "../engine/fm/sais";
import { SaisArena } from "../engine/fm/sais-wasm";

const CORPUS = "data/corpus/flexmix-mini.jsonl";
const MAX_SHARD = 16 * 1024 * 1024;

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const rounds = Number(opt("rounds", "3"));
const wanted = opt("shards", "email-0,code").split(",");

/** Shard texts as build.ts groups them (per domain in file order, split before overflowing MAX_SHARD). */
function shardTexts(): Map<string, Uint8Array> {
  const byDomain = new Map<string, Uint8Array[][]>();
  const sizes = new Map<string, number>();
  for (const line of readFileSync(CORPUS, "utf8").split("\n")) {
    if (!line) continue;
    const { domain, text } = JSON.parse(line) as { domain: string; text: string };
    const bytes = Buffer.from(text, "utf8");
    let shards = byDomain.get(domain);
    if (!shards) {
      shards = [[]];
      byDomain.set(domain, shards);
    }
    const size = sizes.get(domain) ?? 0;
    if (size > 0 && size + bytes.length > MAX_SHARD) {
      shards.push([]);
      sizes.set(domain, 0);
    }
    shards[shards.length - 1].push(bytes);
    sizes.set(domain, (sizes.get(domain) ?? 0) + bytes.length);
  }
  const out = new Map<string, Uint8Array>();
  for (const [domain, shards] of byDomain)
    shards.forEach((docs, k) => {
      const name = shards.length === 1 ? domain : `${domain}-${k}`;
      const n = docs.reduce((s, d) => s + d.length + 1, 0) + 1;
      const used = new Uint8Array(256);
      for (const d of docs) for (const b of d) used[b] = 1;
      const code = new Uint8Array(256);
      let next = 2;
      for (let b = 0; b < 256; b++) if (used[b]) code[b] = next++;
      const s = new Uint8Array(n);
      let p = 0;
      for (const d of docs) {
        for (const b of d) s[p++] = code[b];
        s[p++] = 1;
      }
      s[p] = 0;
      out.set(name, s);
    });
  return out;
}

const texts = shardTexts();
const arena = SaisArena.create();
if (!arena) throw new Error("the WebAssembly suffix sorter is unavailable");
console.log(`load average (1 min) before: ${loadavg()[0].toFixed(2)}`);
for (const name of wanted) {
  const s = texts.get(name);
  if (!s) throw new Error(`no shard ${name} (have ${[...texts.keys()].join(", ")})`);
  const n = s.length;
  let k = 0;
  for (const c of s) k = Math.max(k, c);
  const jsSa = new Int32Array(n);
  if (!arena.fits(n, false)) throw new Error("too large");
  const times: Record<string, number[]> = { js: [], wasm: [] };
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    suffixArray(s, jsSa, n, k);
    times.js.push(performance.now() - t0);
    arena.text(n).set(s);
    t0 = performance.now();
    arena.sort(n, k, false);
    times.wasm.push(performance.now() - t0);
    const wasmSa = arena.sa(n);
    for (let i = 0; i < n; i++)
      if (wasmSa[i] !== jsSa[i]) throw new Error(`${name}: suffix arrays differ at row ${i}`);
  }
  const mbs = (ms: number) => (n / 1e6 / (ms / 1000)).toFixed(2);
  const fmt = (xs: number[]) => xs.map((ms) => `${(ms / 1000).toFixed(2)} s (${mbs(ms)} MB/s)`).join(", ");
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`${name}: n = ${n} (${(n / 1e6).toFixed(1)} MB), alphabet ${k + 1}`);
  console.log(`  js:   ${fmt(times.js)}`);
  console.log(`  wasm: ${fmt(times.wasm)}`);
  console.log(
    `  best: js ${mbs(best(times.js))} MB/s, wasm ${mbs(best(times.wasm))} MB/s, ` +
      `speed-up ${(best(times.js) / best(times.wasm)).toFixed(2)}x; same suffix array`,
  );
}
console.log(`load average (1 min) after: ${loadavg()[0].toFixed(2)}`);
