/**
 * Ratings bench: 1M battles over 40 models, from reading the JSONL file to the finished leaderboard with
 * 100 bootstrap rounds, ours (TypeScript) stage by stage against a numpy/scipy implementation of the same
 * formulation (bench/ratings_ref.py, Debian's python3-numpy/python3-scipy), on the same file, same run.
 * Prints figures and whether the two leaderboards agree; never fails on time.
 *
 *   npm run bench:ratings [-- --battles N --models M --bootstrap R --regen]
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { collapseBattles, toBattleTable } from "../lib/ranking/battles";
import { bootstrapIntervals, ranksFromIntervals } from "../lib/ranking/bootstrap";
import { fitBradleyTerry, thetaToRatings } from "../lib/ranking/bt";
import { computeOnlineElo } from "../lib/ranking/elo";
import { computeLeaderboard } from "../lib/ranking/leaderboard";
import { pairwiseMatrices } from "../lib/ranking/matrices";
import { sfc32 } from "../lib/ranking/random";
import { readBattlesFile } from "../lib/ranking/read-battles-file";
import type { Battle, Winner } from "../lib/ranking/types";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    battles: { type: "string", default: "1000000" },
    models: { type: "string", default: "40" },
    bootstrap: { type: "string", default: "100" },
    regen: { type: "boolean", default: false },
  },
});
const nBattles = Number(values.battles);
const nModels = Number(values.models);
const rounds = Number(values.bootstrap);
const outDir = join(here, "out");
const file = join(outDir, `battles-${nBattles}-${nModels}.jsonl`);

/** Chatbot Arena-like battles: strengths spread over ~600 points, 15% ties, 5% both-bad, pairs sampled uniformly. */
function generate(path: string): void {
  mkdirSync(outDir, { recursive: true });
  const rng = sfc32(42);
  const theta = Array.from({ length: nModels }, (_, i) => 0.75 - (1.5 * i) / (nModels - 1));
  const names = theta.map(
    (_, i) => `model-${String(i).padStart(2, "0")}-${["chat", "instruct", "base"][i % 3]}`,
  );
  const fd = openSync(`${path}.tmp`, "w");
  let buf: string[] = [];
  let t = 1_700_000_000;
  for (let k = 0; k < nBattles; k++) {
    const a = Math.floor(rng() * nModels);
    let b = Math.floor(rng() * (nModels - 1));
    if (b >= a) b++;
    const u = rng();
    let winner: Winner;
    if (u < 0.15) winner = "tie";
    else if (u < 0.2) winner = "tie (bothbad)";
    else winner = rng() < 1 / (1 + 10 ** (theta[b] - theta[a])) ? "model_a" : "model_b";
    t += rng() * 2;
    buf.push(
      JSON.stringify({ model_a: names[a], model_b: names[b], winner, tstamp: Math.round(t * 1000) / 1000 }),
    );
    if (buf.length === 10000) {
      writeSync(fd, `${buf.join("\n")}\n`);
      buf = [];
    }
  }
  if (buf.length) writeSync(fd, `${buf.join("\n")}\n`);
  closeSync(fd);
  spawnSync("mv", [`${path}.tmp`, path]);
}

function ms(t0: number): number {
  return performance.now() - t0;
}

if (values.regen || !existsSync(file)) {
  const t0 = performance.now();
  generate(file);
  console.log(
    `generated ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${(ms(t0) / 1000).toFixed(1)} s`,
  );
}
console.log(`input: ${file}, ${nBattles} battles, ${nModels} models, ${rounds} bootstrap rounds\n`);

// --- ours, stage by stage --------------------------------------------------------------------------
const ours: Record<string, number> = {};
let t0 = performance.now();
const tAll = t0;
const table = readBattlesFile(file);
ours.read = ms(t0);
t0 = performance.now();
const elo = computeOnlineElo(table);
ours.elo = ms(t0);
t0 = performance.now();
const rows = collapseBattles(table, "half");
ours.collapse = ms(t0);
t0 = performance.now();
const fit = fitBradleyTerry(rows);
const bt = thetaToRatings(fit.theta, table.models);
ours.bt = ms(t0);
t0 = performance.now();
const boot = bootstrapIntervals(rows, table.models, { rounds, seed: 0, init: fit.theta });
ours.bootstrap = ms(t0);
t0 = performance.now();
const rank = ranksFromIntervals(boot.lower, boot.upper);
const pairwise = pairwiseMatrices(table, "half");
ours.table = ms(t0);
ours.total = ms(tAll);

// The same through the public entry point (what the CLI runs), for reference.
t0 = performance.now();
const board = computeLeaderboard(readBattlesFile(file), { bootstrapRounds: rounds, seed: 0 });
const endToEnd = ms(t0);

// Reading alternatives: is JSON.parse per line the bottleneck?
t0 = performance.now();
const text = readFileSync(file, "utf8");
const readText = ms(t0);
t0 = performance.now();
const parsed: Battle[] = [];
for (const line of text.split("\n")) {
  if (line === "") continue;
  const o = JSON.parse(line);
  parsed.push({ modelA: o.model_a, modelB: o.model_b, winner: o.winner, tstamp: o.tstamp });
}
const jsonParse = ms(t0);
t0 = performance.now();
toBattleTable(parsed);
const toTable = ms(t0);

// --- numpy/scipy reference ----------------------------------------------------------------------
const py = spawnSync(
  "/usr/bin/python3",
  [join(here, "ratings_ref.py"), file, "--bootstrap", String(rounds)],
  {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  },
);
if (py.status !== 0) {
  console.error(`numpy/scipy reference failed (install python3-numpy python3-scipy):\n${py.stderr}`);
  process.exit(1);
}
const ref = JSON.parse(py.stdout) as {
  timings: Record<string, number>;
  models: { model: string; elo: number; bt: number; ci_lower: number; ci_upper: number; rank: number }[];
};

const stages = ["read", "elo", "collapse", "bt", "bootstrap", "table", "total"];
console.log("stage        ours (ms)   numpy/scipy (ms)   ratio (ours / ref)");
for (const s of stages) {
  const r = ref.timings[s] * 1000;
  console.log(
    `${s.padEnd(10)} ${ours[s].toFixed(0).padStart(11)} ${r.toFixed(0).padStart(18)} ${(ours[s] / r).toFixed(2).padStart(20)}`,
  );
}
console.log(`\ncomputeLeaderboard end to end (read + everything, incl. matrices): ${endToEnd.toFixed(0)} ms`);
console.log(
  `reading alternatives: readFileSync utf8 ${readText.toFixed(0)} ms + split/JSON.parse per line ${jsonParse.toFixed(0)} ms + toBattleTable ${toTable.toFixed(0)} ms = ${(readText + jsonParse + toTable).toFixed(0)} ms (byte scanner: ${ours.read.toFixed(0)} ms)`,
);

// --- agreement ---------------------------------------------------------------------------------------
const idx = new Map(table.models.map((m, i) => [m, i]));
let dElo = 0;
let dBt = 0;
let dCi = 0;
let rankDiff = 0;
for (const r of ref.models) {
  const i = idx.get(r.model)!;
  dElo = Math.max(dElo, Math.abs(elo[i] - r.elo));
  dBt = Math.max(dBt, Math.abs(bt[i] - r.bt));
  dCi = Math.max(dCi, Math.abs(boot.lower[i] - r.ci_lower), Math.abs(boot.upper[i] - r.ci_upper));
  rankDiff = Math.max(rankDiff, Math.abs(rank[i] - r.rank));
}
const orderSame = board.rows.map((r) => r.model).join() === ref.models.map((r) => r.model).join();
const meanHalfWidth = board.rows.reduce((s, r) => s + (r.ciUpper - r.ciLower) / 2, 0) / board.rows.length;
console.log(
  `\nagreement: max |elo diff| ${dElo.toExponential(2)}, max |bt diff| ${dBt.toExponential(2)} points, same order ${orderSame},` +
    ` max |CI bound diff| ${dCi.toFixed(2)} points (different RNG streams; mean CI half-width ${meanHalfWidth.toFixed(2)}),` +
    ` max rank diff ${rankDiff}`,
);
const agree = dElo < 1e-6 && dBt < 0.01 && orderSame && dCi < Math.max(1, meanHalfWidth);
console.log(agree ? "leaderboards agree" : "LEADERBOARDS DISAGREE");
console.log(`models with battles: ${pairwise.battles.filter((b) => b > 0).length}`);
