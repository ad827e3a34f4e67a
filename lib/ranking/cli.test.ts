import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "./cli";
import { simulateBattles } from "./test-helpers";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ratings-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { encoding: "utf8" });
}

describe("ratings CLI", () => {
  const lines = simulateBattles([0.5, 0, -0.5], 900, 4, 0.1).map((b) =>
    JSON.stringify({ model_a: b.modelA, model_b: b.modelB, winner: b.winner, tstamp: b.tstamp }),
  );
  const file = join(dir, "battles.jsonl");
  writeFileSync(file, `${lines.join("\n")}\n`);

  it("prints the leaderboard as JSON in Chatbot Arena's field names", () => {
    const res = run(["--input", file, "--bootstrap", "20", "--seed", "3", "--anchor", "m1=1100", "--json"]);
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.deepEqual(
      out.models.map((m: { model: string }) => m.model),
      ["m0", "m1", "m2"],
    );
    const keys = ["model", "elo", "bt", "ci_lower", "ci_upper", "rank", "preliminary", "battles", "win_rate"];
    for (const row of out.models) assert.deepEqual(Object.keys(row), keys);
    assert.equal(out.models[1].bt, 1100);
    assert.equal(
      out.models.reduce((s: number, m: { battles: number }) => s + m.battles, 0),
      2 * 900,
    );
  });

  it("lists models under --min-battles as preliminary, without a rank", () => {
    const few = join(dir, "few.jsonl");
    const extra = [
      { model_a: "late", model_b: "m0", winner: "model_b", tstamp: 1000 },
      { model_a: "m2", model_b: "late", winner: "tie", tstamp: 1001 },
    ].map((x) => JSON.stringify(x));
    writeFileSync(few, `${[...lines, ...extra].join("\n")}\n`);
    const res = run(["--input", few, "--bootstrap", "10", "--min-battles", "20", "--json"]);
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    const late = out.models.at(-1);
    assert.deepEqual([late.model, late.rank, late.preliminary, late.battles], ["late", null, true, 2]);
    const table = run(["--input", few, "--bootstrap", "10", "--min-battles", "20"]);
    assert.match(table.stdout, /prelim\s+late/);
    assert.throws(() => parseCliArgs(["--input", "x", "--min-battles", "-3"]), /--min-battles/);
  });

  it("exits 2 naming the malformed line", () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${lines[0]}\n${lines[1]}\n{"model_a": "m0", "model_b": "m1", "winner": "left"}\n`);
    const res = run(["--input", bad, "--json"]);
    assert.equal(res.status, 2);
    assert.match(res.stderr, /line 3: winner must be/);
    assert.equal(res.stdout, "");
  });

  it("validates its arguments", () => {
    assert.throws(() => parseCliArgs([]), /--input is required/);
    assert.throws(() => parseCliArgs(["--input", "x", "--ties", "third"]), /--ties/);
    assert.throws(() => parseCliArgs(["--input", "x", "--bootstrap", "-1"]), /--bootstrap/);
    assert.throws(() => parseCliArgs(["--input", "x", "--anchor", "gpt"]), /--anchor/);
    assert.deepEqual(parseCliArgs(["--input", "x", "--anchor", "a=b=1000"]).anchor, {
      model: "a=b",
      rating: 1000,
    });
  });
});
