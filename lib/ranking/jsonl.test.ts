import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBattleTable } from "./battles";
import { BattleJsonlParser, parseBattlesJsonl } from "./jsonl";
import { sfc32 } from "./random";
import type { Battle, BattleTable, Winner } from "./types";

/** Oracle: JSON.parse per line, then toBattleTable. */
function naive(text: string): BattleTable {
  const battles: Battle[] = text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const o = JSON.parse(l);
      return { modelA: o.model_a, modelB: o.model_b, winner: o.winner, tstamp: o.tstamp ?? undefined };
    });
  return toBattleTable(battles);
}

function plain(t: BattleTable) {
  return {
    models: t.models,
    a: Array.from(t.modelA),
    b: Array.from(t.modelB),
    o: Array.from(t.outcome),
    t: Array.from(t.tstamp),
  };
}

/** Realistic lines: extra fields (nested conversations), escapes, unicode, odd spacing, key order. */
function randomDoc(lines: number, seed: number): string {
  const rng = sfc32(seed);
  const names = ["gpt-4o", "claude-3.5", 'model "quoted"', "flexolmo/α-β", "llama\\3", "mixtral 8x7b"];
  const winners: Winner[] = ["model_a", "model_b", "tie", "tie (bothbad)"];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const a = Math.floor(rng() * names.length);
    let b = Math.floor(rng() * (names.length - 1));
    if (b >= a) b++;
    const rec: Record<string, unknown> = {
      question_id: `q${i}`,
      model_a: names[a],
      conversation_a: [
        { role: "user", content: 'hi {"model_a": "x"} ]' },
        { role: "assistant", content: "ok" },
      ],
      winner: winners[Math.floor(rng() * 4)],
      model_b: names[b],
      tstamp: [1700000000.123456, 1711111111, 1.5e9, 1723456789.98765][i % 4] + i,
      anony: true,
      judge: null,
      meta: { turns: 1, lang: "English" },
    };
    let line = JSON.stringify(rec, i % 3 === 0 ? null : undefined, i % 5 === 0 ? 1 : undefined).replace(
      /\n/g,
      " ",
    );
    if (i % 7 === 0) line = `  ${line}\t\r`;
    if (i % 11 === 0) out.push("");
    out.push(line);
  }
  return out.join("\n");
}

describe("parseBattlesJsonl", () => {
  it("agrees with JSON.parse line by line on realistic lines", () => {
    const doc = randomDoc(500, 1);
    assert.deepEqual(plain(parseBattlesJsonl(doc)), plain(naive(doc)));
  });

  it("gives the same table whatever the chunk boundaries", () => {
    const doc = new TextEncoder().encode(randomDoc(60, 2));
    const expected = plain(parseBattlesJsonl(doc));
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const parser = new BattleJsonlParser();
      for (let i = 0; i < doc.length; i += size) parser.push(doc.subarray(i, i + size));
      assert.deepEqual(plain(parser.finish()), expected, `chunk size ${size}`);
    }
  });

  it("copies what it keeps from a chunk, so callers may reuse a Buffer between pushes", () => {
    const doc = Buffer.from(randomDoc(200, 3));
    const expected = plain(parseBattlesJsonl(doc));
    const parser = new BattleJsonlParser();
    const scratch = Buffer.alloc(97);
    for (let i = 0; i < doc.length; i += scratch.length) {
      const n = doc.copy(scratch, 0, i, i + scratch.length);
      parser.push(scratch.subarray(0, n));
      scratch.fill(0x7b);
    }
    assert.deepEqual(plain(parser.finish()), expected);
  });

  it("parses timestamps exactly like JSON.parse", () => {
    const stamps = [
      "1723456789.9876543",
      "0.1",
      "-3",
      "1e9",
      "1.5E+3",
      "12345678901234567890",
      "1723456789.123",
    ];
    const doc = stamps.map((t) => `{"model_a":"x","model_b":"y","winner":"tie","tstamp":${t}}`).join("\n");
    assert.deepEqual(Array.from(parseBattlesJsonl(doc).tstamp), stamps.map(Number));
    const none = parseBattlesJsonl('{"model_a":"x","model_b":"y","winner":"tie"}');
    assert.ok(Number.isNaN(none.tstamp[0]));
  });

  it("names the line of malformed input", () => {
    const good = '{"model_a":"x","model_b":"y","winner":"model_a","tstamp":1}';
    const cases: [string, RegExp][] = [
      ["not json", /line 3: expected a JSON object/],
      ['{"model_a":"x","model_b":"y","winner":"draw"}', /line 3: winner must be/],
      ['{"model_a":"x","winner":"tie"}', /line 3: missing "model_b"/],
      ['{"model_a":"x","model_b":"x","winner":"tie"}', /line 3: model_a and model_b are the same/],
      ['{"model_a":"x","model_b":"y","winner":"tie"', /line 3: unterminated object/],
      [
        '{"model_a":"x","model_b":"y","winner":"tie","tstamp":"yesterday"}',
        /line 3: tstamp must be a number/,
      ],
      ['{"model_a":"","model_b":"y","winner":"tie"}', /line 3: model_a is empty/],
      ['{"model_a":"x","model_b":"y","winner":"tie"} extra', /line 3: unexpected characters/],
      ['{"model_a":1,"model_b":"y","winner":"tie"}', /line 3: model_a must be a string/],
      ['{"model_a":"x","model_b":"y","winner":"tie","extra":[1,2}', /line 3: unterminated/],
    ];
    for (const [bad, pattern] of cases) {
      assert.throws(() => parseBattlesJsonl(`${good}\n\n${bad}\n${good}`), pattern, bad);
    }
  });

  it("returns an empty table for an empty file", () => {
    const t = parseBattlesJsonl("");
    assert.equal(t.length, 0);
    assert.deepEqual(t.models, []);
  });
});
