import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { nativeSorterMissing } from "./fm/sais-native";
import { startShardServer } from "./serve/server";

const tmp = mkdtempSync(join(tmpdir(), "engine-cli-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "engine/cli.ts", ...args], { encoding: "utf8" });

test("index build, count with --json and --, doc, contamination, and clear errors on bad input", () => {
  const input = join(tmp, "c.jsonl");
  writeFileSync(
    input,
    [
      { id: "1", domain: "a", text: "-dash at the start and hello world" },
      { id: "2", domain: "b", text: "hello again, world" },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  const out = join(tmp, "idx");
  const built = cli("index", "build", "--input", input, "--out", out, "--workers", "0", "--json");
  assert.equal(built.status, 0, built.stderr);
  const count = cli("count", "--index", out, "--json", "--", "-dash");
  assert.equal(count.status, 0, count.stderr);
  assert.equal(JSON.parse(count.stdout).count, 1);
  const hello = JSON.parse(cli("count", "--index", out, "--json", "hello").stdout);
  assert.deepEqual(hello.byDomain, { a: 1, b: 1 });
  const doc = JSON.parse(cli("doc", "--index", out, "--shard", "b", "--rank", "3", "--json").stdout);
  assert.equal(doc.id, "2");

  const bad = cli("count", "--index", out, "--json", "");
  assert.equal(bad.status, 1);
  assert.equal(JSON.parse(bad.stdout).code, "EMPTY_QUERY");
  const shard = cli("doc", "--index", out, "--shard", "zzz", "--rank", "0");
  assert.equal(shard.status, 1);
  assert.match(shard.stderr, /unknown shard "zzz"/);
  const usage = cli("count", "--bogus");
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /unknown option --bogus/);

  const broken = join(tmp, "broken.jsonl");
  writeFileSync(broken, '{"text":"ok"}\nnot json\n');
  const failed = cli("index", "build", "--input", broken, "--out", join(tmp, "x"), "--workers", "0");
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /broken\.jsonl:2: invalid JSON/);
  const skipped = cli(
    "index",
    "build",
    "--input",
    broken,
    "--out",
    join(tmp, "x"),
    "--workers",
    "0",
    "--skip-bad",
    "--json",
  );
  assert.equal(JSON.parse(skipped.stdout).skipped, 1);

  const entries = join(tmp, "entries.jsonl");
  writeFileSync(entries, `${JSON.stringify({ id: "e", text: "hello again, world" })}\n`);
  const cont = JSON.parse(cli("contamination", "--index", out, "--input", entries, "--json").stdout);
  assert.equal(cont.results[0].label, "dirty");
});

test("index build --part i/N on each machine, then index merge, gives the one-machine index", () => {
  const input = join(tmp, "parts.jsonl");
  writeFileSync(
    input,
    ["a", "b", "c", "d"]
      .map((d, i) => JSON.stringify({ id: String(i), domain: d, text: `text of ${d} ` }))
      .join("\n"),
  );
  const whole = join(tmp, "whole");
  assert.equal(cli("index", "build", "--input", input, "--out", whole, "--workers", "0").status, 0);
  const parts = ["1/2", "2/2"].map((p, i) => {
    const out = join(tmp, `part${i}`);
    const r = cli("index", "build", "--input", input, "--out", out, "--workers", "0", "--part", p);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\(part ${p}\\): 2 shards`));
    return out;
  });
  const merged = join(tmp, "merged");
  const m = cli("index", "merge", "--out", merged, ...parts, "--json");
  assert.equal(m.status, 0, m.stderr);
  assert.equal(JSON.parse(m.stdout).shards, 4);
  assert.equal(
    readFileSync(join(merged, "manifest.json"), "utf8"),
    readFileSync(join(whole, "manifest.json"), "utf8"),
  );
  const missing = cli("index", "merge", "--out", join(tmp, "m2"), parts[0]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /missing part 2\/2/);
  const bad = cli("index", "build", "--input", input, "--out", join(tmp, "p3"), "--part", "3/2");
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--part must be i\/N/);
});

test("trace --input and count --queries stream one JSON line per input line, locally and from shard servers", async () => {
  const input = join(tmp, "batch.jsonl");
  const docs = [
    {
      id: "m",
      domain: "books",
      text: "Call me Ishmael. Some years ago, never mind how long precisely, I went to sea.",
    },
    { id: "c", domain: "code", text: "function main() { return 0; } // the whale of a function" },
  ];
  writeFileSync(input, docs.map((d) => JSON.stringify(d)).join("\n"));
  const out = join(tmp, "batch-idx");
  assert.equal(cli("index", "build", "--input", input, "--out", out, "--workers", "0").status, 0);
  const responses = join(tmp, "responses.jsonl");
  const lines = [
    { id: "a", response: "He said: Call me Ishmael. Some years ago I went to the shop." },
    { id: 7, response: "Nothing here matches anything at all.", prompt: "What?" },
    { response: "function main() { return 0; } says the code" },
  ];
  writeFileSync(responses, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  const traced = cli("trace", "--index", out, "--input", responses, "--json", "--workers", "0");
  assert.equal(traced.status, 0, traced.stderr);
  const got = traced.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    got.map((g) => g.id),
    ["a", 7, 3],
  );
  for (const g of got) assert.deepEqual(Object.keys(g), ["id", "spans", "documents", "coverage", "ms"]);
  // Both "Call me Ishmael." and "Some years ago" occur; the 5% density keeps the rarer one.
  assert.deepEqual(
    got[0].spans.map((s: { text: string }) => s.text),
    ["Some years ago"],
  );
  assert.ok(got[0].coverage.all > 0.4);
  assert.equal(got[0].documents[0].docId, "m");
  assert.equal(got[1].spans.length, 0);

  const bad = join(tmp, "bad-responses.jsonl");
  writeFileSync(
    bad,
    `${JSON.stringify(lines[0])}\n{"id": "x", "text": "no response field"}\n{broken\n${JSON.stringify({ response: "  " })}\n`,
  );
  const stopped = cli("trace", "--index", out, "--input", bad, "--workers", "0");
  assert.equal(stopped.status, 1);
  assert.match(stopped.stderr, /bad-responses\.jsonl:2: "response" must be a string/);
  const skipped = cli("trace", "--index", out, "--input", bad, "--workers", "0", "--json", "--skip-bad");
  assert.equal(skipped.status, 0, skipped.stderr);
  assert.equal(skipped.stdout.trim().split("\n").length, 1);
  assert.match(skipped.stderr, /:3: invalid JSON/);
  assert.match(skipped.stderr, /:4: The response to trace is empty/);

  const queries = join(tmp, "queries.jsonl");
  writeFileSync(queries, `"Ishmael"\n{"id": "w", "query": "whale", "domains": ["code"]}\n"main"\n`);
  const counted = cli("count", "--index", out, "--queries", queries, "--json");
  assert.equal(counted.status, 0, counted.stderr);
  const counts = counted.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(counts, [
    { id: 1, query: "Ishmael", count: 1, byDomain: { books: 1, code: 0 } },
    { id: "w", query: "whale", count: 1, byDomain: { code: 1 } },
    { id: 3, query: "main", count: 1, byDomain: { books: 0, code: 1 } },
  ]);

  // The same through a shard server (the CLI asks it over HTTP): the same lines.
  const server = await startShardServer({ dir: out, port: 0, workers: 0 });
  try {
    const run = promisify(execFile);
    const args = ["--import", "tsx", "engine/cli.ts"];
    const remote = await run(process.execPath, [
      ...args,
      "count",
      "--engine-urls",
      server.url,
      "--queries",
      queries,
      "--json",
    ]);
    assert.deepEqual(
      remote.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
      counts,
    );
    const remoteTrace = await run(process.execPath, [
      ...args,
      "trace",
      "--engine-urls",
      server.url,
      "--input",
      responses,
      "--json",
    ]);
    const strip = (r: { ms: number }) => ({ ...r, ms: 0 });
    assert.deepEqual(
      remoteTrace.stdout
        .trim()
        .split("\n")
        .map((l) => strip(JSON.parse(l))),
      got.map(strip),
    );
  } finally {
    await server.close();
  }
});

test("index build --memory-gb chooses the shard size from the budget and says so; a budget too small is refused", () => {
  const input = join(tmp, "m.jsonl");
  writeFileSync(input, `${JSON.stringify({ id: "1", domain: "a", text: "budgeted words" })}\n`);
  const out = join(tmp, "idx-mem");
  const built = cli("index", "build", "--input", input, "--out", out, "--memory-gb", "2", "--workers", "2");
  assert.equal(built.status, 0, built.stderr);
  // (2 GiB - 0.5 GiB for reading) / (2 workers x 6 bytes per shard byte) = 128 MiB.
  assert.match(
    built.stderr,
    /shards of at most 128 MiB \(chosen for a memory budget of 2\.0 GiB, 2 worker\(s\)\)/,
  );
  assert.match(built.stdout, /shards of at most 128 MiB/);
  // Which sorter built the shard: libdivsufsort where installed (npm test installs it as root), else
  // WebAssembly with a word on what to install.
  assert.match(
    built.stdout,
    nativeSorterMissing()
      ? /suffix arrays by SA-IS in WebAssembly \(1 shard\(s\)\); libdivsufsort\.so\.3 is not installed/
      : /suffix arrays by libdivsufsort \(1 shard\(s\)\)\n/,
  );
  const json = JSON.parse(
    cli("index", "build", "--input", input, "--out", out, "--memory-gb", "1", "--workers", "0", "--json")
      .stdout,
  );
  assert.equal(json.shardBytes, 80 * 2 ** 20);
  assert.equal(json.memoryBytes, 2 ** 30);
  const defaults = cli("index", "build", "--input", input, "--out", out, "--workers", "2");
  assert.match(defaults.stderr, /a quarter of this machine's memory/);

  const small = cli("index", "build", "--input", input, "--out", join(tmp, "never"), "--memory-gb", "0.5");
  assert.equal(small.status, 1, small.stderr);
  assert.match(small.stderr, /memory budget of 0\.50 GiB is too small for 2 build worker\(s\)/);
  const over = cli(
    "index",
    "build",
    "--input",
    input,
    "--out",
    join(tmp, "never"),
    "--memory-gb",
    "1",
    "--max-shard-mb",
    "256",
  );
  assert.equal(over.status, 1);
  assert.match(
    over.stderr,
    /shards of 256 MiB with 2 worker\(s\) need about 3\.50 GiB, more than the memory budget of 1\.00 GiB/,
  );
  assert.equal(cli("index", "build", "--input", input, "--out", out, "--memory-gb", "lots").status, 2);
});
