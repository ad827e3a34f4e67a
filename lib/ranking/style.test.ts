import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBattleTable } from "./battles";
import { computeLeaderboard } from "./leaderboard";
import { sfc32 } from "./random";
import { extractStyleFeatures, fitStyleControlledBradleyTerry } from "./style";
import { logisticRegression } from "./test-helpers";
import type { Battle, StyleFeatures } from "./types";

describe("extractStyleFeatures", () => {
  it("counts words, citations, headers, list items and bold spans, ignoring code blocks", () => {
    const answer = [
      "## Findings",
      "",
      "**FlexOlmo** trains experts separately [1] and merges them [2, 3].",
      "",
      "- first point with __emphasis__",
      "1. numbered item [4]",
      "",
      "```",
      "# not a header",
      "- not a list **nor bold**",
      "```",
      "#hashtag is not a header",
    ].join("\n");
    const f = extractStyleFeatures(answer);
    assert.deepEqual(f, {
      length: answer.split(/\s+/).filter(Boolean).length,
      citations: 4,
      headers: 1,
      lists: 2,
      bold: 2,
    });
    assert.deepEqual(extractStyleFeatures(""), { length: 0, citations: 0, headers: 0, lists: 0, bold: 0 });
  });
});

/** Equal-strength models; "verbose" writes 3x longer answers and voters favour length. */
function lengthBiasedBattles(n: number, seed: number): Battle[] {
  const rng = sfc32(seed);
  const models = ["verbose", "terse1", "terse2", "terse3"];
  const style = (model: string): StyleFeatures => ({
    length: Math.round((model === "verbose" ? 600 : 200) * (0.5 + rng())),
    citations: Math.floor(rng() * 5),
    headers: Math.floor(rng() * 3),
    lists: Math.floor(rng() * 6),
    bold: Math.floor(rng() * 4),
  });
  const out: Battle[] = [];
  for (let t = 0; t < n; t++) {
    const a = Math.floor(rng() * 4);
    let b = Math.floor(rng() * 3);
    if (b >= a) b++;
    const sa = style(models[a]);
    const sb = style(models[b]);
    const lengthTerm = 1.5 * ((sa.length - sb.length) / (sa.length + sb.length + 1));
    const pA = 1 / (1 + Math.exp(-lengthTerm));
    out.push({
      modelA: models[a],
      modelB: models[b],
      winner: rng() < pA ? "model_a" : "model_b",
      tstamp: t,
      styleA: sa,
      styleB: sb,
    });
  }
  return out;
}

describe("style control", () => {
  it("removes a length advantage that plain BT credits to the verbose model", () => {
    const board = computeLeaderboard(lengthBiasedBattles(6000, 3), { bootstrapRounds: 0 });
    const verbose = board.rows.find((r) => r.model === "verbose")!;
    const others = board.rows.filter((r) => r.model !== "verbose");
    assert.equal(board.rows[0].model, "verbose");
    const otherBt = others.reduce((s, r) => s + r.bt, 0) / others.length;
    const otherStyle = others.reduce((s, r) => s + r.styleBt!, 0) / others.length;
    assert.ok(verbose.bt - otherBt > 60, "plain BT rewards length");
    assert.ok(Math.abs(verbose.styleBt! - otherStyle) < 25, `style BT gap ${verbose.styleBt! - otherStyle}`);
    assert.ok(board.style!.coefficients.length > 0.1);
    assert.ok(Math.abs(board.style!.coefficients.bold) < 0.05);
  });

  it("equals a ridge logistic regression on standardised covariates to 1e-6", () => {
    const battles = lengthBiasedBattles(600, 4);
    const table = toBattleTable(battles);
    const fit = fitStyleControlledBradleyTerry(table, { l2: 0.5 })!;
    const m = table.models.length;
    const K = 5;
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < table.length; i++) {
      const row = new Array(m + K).fill(0);
      row[table.modelA[i]] += Math.LN10;
      row[table.modelB[i]] -= Math.LN10;
      for (let k = 0; k < K; k++) {
        const a = table.styleA![i * K + k];
        const b = table.styleB![i * K + k];
        row[m + k] = (Math.LN10 * ((a - b) / (a + b + 1) - fit.featureMean[k])) / fit.featureStd[k];
      }
      X.push(row);
      y.push(table.outcome[i] === 0 ? 1 : 0);
    }
    const beta = logisticRegression(X, y, 0.5);
    for (let j = 0; j < m; j++) assert.ok(Math.abs(beta[j] - fit.theta[j]) < 1e-6);
    for (let k = 0; k < K; k++) assert.ok(Math.abs(beta[m + k] - fit.coefficients[k]) < 1e-6);
  });

  it("leaves styleBt out for a model none of whose battles carry style features", () => {
    const battles = [
      ...lengthBiasedBattles(300, 5),
      { modelA: "plain", modelB: "terse1", winner: "model_a" as const },
      { modelA: "terse2", modelB: "plain", winner: "model_a" as const },
    ];
    const board = computeLeaderboard(battles, { bootstrapRounds: 0 });
    assert.equal(board.rows.find((r) => r.model === "plain")!.styleBt, undefined);
    assert.ok(Number.isFinite(board.rows.find((r) => r.model === "terse1")!.styleBt));
  });

  it("is skipped when no battle carries style features", () => {
    const board = computeLeaderboard([{ modelA: "a", modelB: "b", winner: "model_a" }], {
      bootstrapRounds: 0,
    });
    assert.equal(board.style, undefined);
    assert.equal(board.rows[0].styleBt, undefined);
  });
});
