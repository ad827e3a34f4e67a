/**
 * Every training stage on a tiny generated corpus (seconds), then the merged model through the
 * public inference API: loss goes down, frozen parts stay frozen, the merged model runs, KV-cache
 * generation equals recomputation, routed inference equals a dense tfjs reference at k = E,
 * UTF-8 streaming, stop strings, concurrency and the error codes.
 */
import assert from "node:assert/strict";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ModelConfig } from "./config";
import { prepareDomainFolders } from "./data";
import { type FlexOlmo, FlexOlmoError, loadFlexOlmo, type TokenChunk } from "./index";
import { mergeAndExport } from "./merge";
import { mulberry32 } from "./prng";
import { crossEntropy, forward, initTf, tf, toVariables } from "./tfmodel";
import { runExpertStage, runPublicStage, type Schedule } from "./train";
import { loadWeights } from "./weights";

const cfg: ModelConfig = { vocab: 256, context: 32, dModel: 16, heads: 2, layers: 2, ffnHidden: 32 };
const schedule: Schedule = {
  seed: 5,
  batch: 8,
  seqLen: 32,
  publicSteps: 40,
  publicHorizon: 40,
  publicCooldownFrom: 30,
  publicLr: 1e-2,
  expertSteps: 30,
  expertBatch: 8,
  expertLr: 1e-2,
  embedWindows: 8,
  parallelExperts: 1,
};

function makeCorpus(): string {
  const rng = mulberry32(1);
  const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)] as T;
  const lines: string[] = [];
  // A few multi-byte words in public text, so the shared (frozen) embeddings know those bytes.
  const words = [
    "the",
    "state",
    "of",
    "union",
    "people",
    "nation",
    "congress",
    "year",
    "law",
    "peace",
    "日本",
    "café",
  ];
  for (let i = 0; i < 40; i++) {
    const text = Array.from({ length: 60 }, () => pick(words)).join(" ");
    lines.push(JSON.stringify({ id: `pub-${i}`, domain: "public", text, meta: { source: "generated" } }));
  }
  for (let i = 0; i < 30; i++) {
    const text = Array.from({ length: 25 }, (_, j) => `let x${j % 7} = f(${j});`).join("\n");
    lines.push(JSON.stringify({ id: `code-${i}`, domain: "code", text, meta: {} }));
  }
  const accents = ["日本語", "東京", "café", "über", "ñandú", "漢字", "語", "ü"];
  for (let i = 0; i < 30; i++) {
    const text = Array.from({ length: 50 }, () => pick(accents)).join(" ");
    lines.push(JSON.stringify({ id: `acc-${i}`, domain: "accents", text, meta: {} }));
  }
  return `${lines.join("\n")}\n`;
}

let dir = "";
let model: FlexOlmo;
const logs: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "flexolmo-test-"));
  writeFileSync(join(dir, "corpus.jsonl"), makeCorpus());
  await prepareDomainFolders(join(dir, "corpus.jsonl"), join(dir, "domains"));
  const log = (m: string) => logs.push(m);
  await runPublicStage({
    cfg,
    schedule,
    domainDir: join(dir, "domains", "public"),
    out: join(dir, "public.bin"),
    threads: 1,
    log,
  });
  for (const d of ["accents", "code"]) {
    await runExpertStage({
      cfg,
      schedule,
      domainDir: join(dir, "domains", d),
      publicCheckpoint: join(dir, "public.bin"),
      out: join(dir, `expert-${d}.bin`),
      threads: 1,
      log,
    });
  }
  const origLog = console.log;
  console.log = (m: string) => logs.push(m);
  try {
    await mergeAndExport({
      cfg,
      work: dir,
      domainsDir: join(dir, "domains"),
      publicCheckpoint: join(dir, "public.bin"),
      domains: ["accents", "code"],
      outDir: join(dir, "model"),
    });
  } finally {
    console.log = origLog;
  }
  model = await loadFlexOlmo(join(dir, "model"));
});

after(async () => {
  await model?.release();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("public stage: loss goes down", () => {
  const meta = loadWeights(join(dir, "public.bin")).meta;
  assert.ok(Number(meta.lastLossBits) < Number(meta.firstLossBits) - 1, JSON.stringify(meta));
  assert.equal(meta.steps, schedule.publicSteps);
});

test("expert stage: loss goes down on its domain, it saves only its own FFN/router/bias, biases <= 0", () => {
  for (const d of ["accents", "code"]) {
    const { weights, meta } = loadWeights(join(dir, `expert-${d}.bin`));
    assert.ok(
      Number(meta.heldoutBitsPerByteWithExpert) < Number(meta.heldoutBitsPerBytePublicOnly),
      JSON.stringify(meta),
    );
    assert.ok(Number(meta.lastLossBits) < Number(meta.firstLossBits), JSON.stringify(meta));
    for (const name of weights.keys())
      assert.ok(name.startsWith(`${d}.`), `${name} is not ${d}'s own parameter`);
    for (let l = 0; l < cfg.layers; l++) {
      assert.ok((weights.get(`${d}.l${l}.bias`)?.data[0] as number) <= 0);
    }
  }
});

test("merged model: experts listed with domains and document counts; public always on", () => {
  assert.deepEqual(
    model.experts.map((e) => e.id),
    ["public", "accents", "code"],
  );
  assert.equal(model.experts[0]?.alwaysOn, true);
  assert.ok(model.experts.every((e) => e.documents > 0 && e.description.length > 0));
  // An empty enabled set still routes everything through the public expert.
  assert.deepEqual(model.enabledMask([]), [true, false, false]);
});

test("each expert lowers bits per byte on its own held-out domain, through the merged ONNX model", () => {
  for (const e of model.manifest.experts.slice(1)) {
    assert.ok(e.heldout.withExpertBitsPerByte < e.heldout.publicOnlyBitsPerByte, JSON.stringify(e));
  }
});

test("routed ONNX inference with k = E equals the dense tfjs forward of the merged weights", async () => {
  await initTf();
  const weights = new Map(loadWeights(join(dir, "public.bin")).weights);
  for (const d of ["accents", "code"])
    for (const [n, t] of loadWeights(join(dir, `expert-${d}.bin`)).weights) weights.set(n, t);
  const text = "café über la state of union 12";
  const bytes = Array.from(new TextEncoder().encode(text)).slice(0, cfg.context);
  const params = toVariables(weights, new Set());
  const experts = [
    { id: "public", hasBias: false },
    { id: "accents", hasBias: true },
    { id: "code", hasBias: true },
  ];
  const ids = tf.tensor2d([bytes.slice(0, -1)], [1, bytes.length - 1], "int32");
  const targets = tf.tensor2d([bytes.slice(1)], [1, bytes.length - 1], "int32");
  const ce = crossEntropy(
    forward(cfg, params, ids, experts).logits,
    targets,
    cfg.vocab,
  ).dataSync()[0] as number;
  const got = await model.evaluate(Uint8Array.from(bytes), { topK: 3 });
  assert.ok(Math.abs(got.bitsPerByte - ce / Math.LN2) < 1e-3, `${got.bitsPerByte} vs ${ce / Math.LN2}`);
});

test("KV-cache generation equals generation that recomputes every prefix", async () => {
  for (const experts of [undefined, ["code"], []]) {
    const opts = { prompt: "let x", experts, maxTokens: 20, temperature: 0.9, seed: 3 };
    const cached = await model.complete(opts);
    const fresh = await model.complete({ ...opts, cache: false });
    assert.equal(cached.text, fresh.text);
    assert.equal(cached.tokens, 20);
    cached.experts.forEach((tok, i) => {
      const other = fresh.experts[i] ?? [];
      assert.deepEqual(
        tok.map((e) => e.id),
        other.map((e) => e.id),
      );
      for (const [j, e] of tok.entries()) assert.ok(Math.abs(e.weight - (other[j]?.weight ?? 0)) < 1e-4);
    });
  }
});

test("streaming yields valid UTF-8 text per chunk, buffering split characters", async () => {
  const chunks: TokenChunk[] = [];
  for await (const c of model.generate({
    prompt: "東京 café ",
    experts: ["accents"],
    maxTokens: 16,
    temperature: 0.7,
    seed: 4,
  }))
    chunks.push(c);
  const bytes = chunks.flatMap((c) => c.bytes);
  const whole = new TextDecoder().decode(Uint8Array.from(bytes));
  assert.equal(chunks.map((c) => c.text).join(""), whole);
  assert.ok(
    bytes.some((b) => b >= 0x80),
    "the accents expert should produce multi-byte characters",
  );
  if (!whole.includes("\uFFFD")) for (const c of chunks) assert.ok(!c.text.includes("\uFFFD"));
  assert.equal(chunks.at(-1)?.finishReason, "length");
});

test("every token reports the experts that weighed in, with weights in (0, 1]", async () => {
  for await (const c of model.generate({ prompt: "let ", maxTokens: 5, temperature: 0 })) {
    if (c.finishReason) continue;
    assert.ok(c.experts.length >= 1 && c.experts.length <= 3);
    const total = c.experts.reduce((a, e) => a + e.weight, 0);
    assert.ok(total > 0 && total <= 1 + 1e-6);
  }
  // Only enabled experts appear.
  for await (const c of model.generate({ prompt: "let ", experts: [], maxTokens: 5 })) {
    if (!c.finishReason) assert.deepEqual(c.experts, [{ id: "public", weight: 1 }]);
  }
});

test("stop strings end generation before their first occurrence", async () => {
  const base = await model.complete({ prompt: "let x", maxTokens: 30, temperature: 0 });
  const stop = base.text.slice(6, 9);
  const cut = base.text.indexOf(stop);
  const stopped = await model.complete({ prompt: "let x", maxTokens: 30, temperature: 0, stop: [stop] });
  assert.equal(stopped.text, base.text.slice(0, cut));
  assert.equal(stopped.finishReason, "stop");
});

test("concurrent generations give the same results as sequential ones", async () => {
  const a = { prompt: "the ", maxTokens: 15, seed: 1 };
  const b = { prompt: "let ", maxTokens: 15, seed: 2, experts: ["code"] };
  const seq = [await model.complete(a), await model.complete(b)];
  const par = await Promise.all([model.complete(a), model.complete(b)]);
  assert.deepEqual(
    par.map((r) => r.text),
    seq.map((r) => r.text),
  );
});

test("abort ends the stream with finishReason abort", async () => {
  const ctrl = new AbortController();
  let n = 0;
  let last: string | undefined;
  for await (const c of model.generate({ prompt: "the ", maxTokens: 25, signal: ctrl.signal })) {
    n++;
    if (n === 3) ctrl.abort();
    last = c.finishReason;
  }
  assert.equal(last, "abort");
  assert.ok(n <= 5);
});

test("bad input gets typed errors", async () => {
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return "none";
    } catch (err) {
      assert.ok(err instanceof FlexOlmoError);
      return err.code;
    }
  };
  assert.equal(await code(model.complete({ prompt: "x".repeat(cfg.context) })), "PROMPT_TOO_LONG");
  assert.equal(await code(model.complete({ prompt: "x", experts: ["legal"] })), "UNKNOWN_EXPERT");
  assert.equal(await code(model.complete({ prompt: "x", topK: 0 })), "INVALID_ARGUMENT");
  assert.equal(await code(model.complete({ prompt: "x", topP: 0 })), "INVALID_ARGUMENT");
  assert.equal(await code(model.evaluate("x", { experts: ["nope"] })), "UNKNOWN_EXPERT");
  // Generation stops at the context limit.
  const long = await model.complete({ prompt: "x".repeat(cfg.context - 3), maxTokens: 50 });
  assert.equal(long.finishReason, "context");
  assert.equal(long.tokens, 3);
});

test("a corrupted or missing model file is reported at load", async () => {
  const copy = join(dir, "model-copy");
  cpSync(join(dir, "model"), copy, { recursive: true });
  const f = join(copy, "expert-code.onnx");
  const bytes = readFileSync(f);
  bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0xff;
  writeFileSync(f, bytes);
  await assert.rejects(
    loadFlexOlmo(copy),
    (e: unknown) => e instanceof FlexOlmoError && e.code === "MODEL_FILE_CORRUPTED",
  );
  rmSync(f);
  await assert.rejects(
    loadFlexOlmo(copy),
    (e: unknown) => e instanceof FlexOlmoError && e.code === "MODEL_FILE_MISSING",
  );
  await assert.rejects(
    loadFlexOlmo(join(dir, "nowhere")),
    (e: unknown) => e instanceof FlexOlmoError && e.code === "MODEL_FILE_MISSING",
  );
  copyFileSync(join(dir, "model", "expert-code.onnx"), f);
  const ok = await loadFlexOlmo(copy, { experts: ["accents"] });
  assert.deepEqual(
    ok.experts.map((e) => e.id),
    ["public", "accents"],
  );
  await assert.rejects(
    ok.complete({ prompt: "x", experts: ["code"] }),
    (e: unknown) => e instanceof FlexOlmoError && e.code === "UNKNOWN_EXPERT",
  );
  await ok.release();
});
