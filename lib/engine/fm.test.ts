/**
 * Nothing above lib changes between a local index and shard servers: the same questions asked through
 * lib (search, contamination, trace) give the same answers with INDEX_DIR and with ENGINE_URLS naming
 * three `engine serve` processes' worth of servers (each a third of the shards); health lists every server
 * and its shards; a server down without a replica is a 503 that names it and its shards.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { buildFmIndex, type CorpusDoc } from "@/engine/fm/index";
import { mulberry32 as rng } from "@/engine/random";
import { type ShardServer, startShardServer } from "@/engine/serve/server";

const tmp = mkdtempSync(join(tmpdir(), "lib-engine-"));
const dir = join(tmp, "index");
const servers: ShardServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(tmp, { recursive: true, force: true });
});

const WORDS = "the whale sea ship captain harpoon night storm sail deck rope white".split(" ");
let text = "";

before(async () => {
  const r = rng(5);
  const docs: CorpusDoc[] = Array.from({ length: 60 }, (_, d) => ({
    id: `d${d}`,
    domain: ["books", "mail", "code"][d % 3],
    text: Array.from({ length: 60 }, () => WORDS[Math.floor(r() * WORDS.length)]).join(" "),
    meta: { title: `Doc ${d}` },
  }));
  text = `${(docs[3].text as string).split(" ").slice(5, 30).join(" ")} and more words about a ship`;
  await buildFmIndex({ docs, out: dir, maxShardBytes: 2000, workers: 0 });
  const n = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).shards.length;
  for (let part = 0; part < 3; part++) {
    const shards = Array.from({ length: n }, (_, k) => k).filter((k) => k % 3 === part);
    servers.push(await startShardServer({ dir, shards: shards.join(","), port: 0, workers: 0 }));
  }
});

/** What lib answers in a fresh process (as the app would start) with this environment. */
async function ask(env: Record<string, string>): Promise<Record<string, unknown>> {
  // Asynchronously: the shard servers run in this process and must keep answering.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "lib/engine/fm.test-child.ts"],
    { encoding: "utf8", env: { ...process.env, DATA_DIR: tmp, TRACE_TEXT: text, ...env } },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}

test("lib answers the same from a local index and from three shard servers; health lists the servers", async () => {
  const local = await ask({ INDEX_DIR: dir, ENGINE_URLS: "" });
  const remote = await ask({
    INDEX_DIR: join(tmp, "no-index-here"),
    ENGINE_URLS: servers.map((s) => s.url).join(","),
  });
  assert.equal(local.error, undefined);
  assert.ok(((local.trace as { spans: unknown[] }).spans.length ?? 0) > 0, "the trace found spans");
  for (const k of ["count", "find", "docs", "contamination", "trace"])
    assert.deepEqual(remote[k], local[k], k);
  // The infini-gram index name: INDEX_DIR's folder name, or the servers' index folder's.
  assert.equal(local.name, "index");
  assert.equal(remote.name, "index");
  const health = remote.health as {
    status: string;
    servers: { url: string; status: string; shards: string[] }[];
  };
  assert.equal(health.status, "ok");
  assert.deepEqual(
    health.servers.map((s) => [s.url, s.status, s.shards]),
    servers.map((s) => [s.url, "ok", s.info.shards.map((k) => s.info.manifest.shards[k].name)]),
  );
});

test("a server down without a replica: a 503 naming it and its shards, and health says which", async () => {
  const down = servers[1];
  const names = down.info.shards.map((k) => down.info.manifest.shards[k].name);
  const urls = servers.map((s) => s.url).join(",");
  await down.close();
  servers.splice(1, 1);
  const res = await ask({ ENGINE_URLS: urls, ENGINE_TIMEOUT_MS: "10000" });
  const error = res.error as { status: number; body: { error: string; code: string } };
  assert.equal(error.status, 503);
  assert.equal(error.body.code, "SHARDS_UNAVAILABLE");
  // It was down before the app started, so only the manifest says which shards lack a server.
  assert.ok(
    error.body.error.startsWith(`No shard server answered for shards ${names.join(", ")}.`),
    error.body.error,
  );
  assert.match(
    error.body.error,
    new RegExp(`${down.url.replace(/\./g, "\\.")} \\(not reached since the app started\\): `),
  );
  const health = res.health as { status: string; detail: string; servers: { status: string }[] };
  assert.equal(health.status, "error");
  assert.equal(health.servers[1].status, "down");
  assert.match(health.detail, new RegExp(`no server up for shards ${names.join(", ")}`));
});
