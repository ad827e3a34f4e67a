import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

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
