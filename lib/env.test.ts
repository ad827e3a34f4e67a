import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { databaseTarget, dataDir } from "./db/target";
import { EnvError, parseEnv } from "./env";

test("the data folder is DATA_DIR, or ./data when unset or blank, the same for the env and the database", () => {
  const def = path.join(process.cwd(), "data");
  assert.equal(dataDir(undefined), def);
  assert.equal(dataDir(""), def);
  assert.equal(dataDir("  "), def);
  assert.equal(dataDir("/srv/lmr"), "/srv/lmr");
  assert.equal(parseEnv({}).dataDir, def);
  assert.equal(parseEnv({ DATA_DIR: "" }).dataDir, def);
  assert.equal(parseEnv({ DATA_DIR: "/srv/lmr" }).dataDir, "/srv/lmr");
  assert.equal(parseEnv({ DATA_DIR: "/srv/lmr" }).indexDir, "/srv/lmr/index/flexmix-mini");
  const saved = process.env.DATA_DIR;
  try {
    process.env.DATA_DIR = "";
    assert.equal(databaseTarget(undefined).url, `file:${path.join(def, "app.db")}`);
    process.env.DATA_DIR = "/srv/lmr";
    assert.equal(databaseTarget(undefined).url, "file:/srv/lmr/app.db");
  } finally {
    if (saved === undefined) delete process.env.DATA_DIR;
    else process.env.DATA_DIR = saved;
  }
});

test("a bad value stops start-up naming the variable", () => {
  assert.throws(
    () => parseEnv({ PORT: "70000" }),
    (e: unknown) => e instanceof EnvError && /PORT/.test(e.message),
  );
  assert.throws(
    () => parseEnv({ DATABASE_URL: "mysql://x" }),
    (e: unknown) => e instanceof EnvError && /DATABASE_URL/.test(e.message),
  );
});

test("the leaderboard's minimum battles default to 20, and take any whole number from 0", () => {
  assert.equal(parseEnv({}).RANKING_MIN_BATTLES, 20);
  assert.equal(parseEnv({ RANKING_MIN_BATTLES: "0" }).RANKING_MIN_BATTLES, 0);
  assert.equal(parseEnv({ RANKING_MIN_BATTLES: "50" }).RANKING_MIN_BATTLES, 50);
  for (const bad of ["-1", "2.5", "many"])
    assert.throws(
      () => parseEnv({ RANKING_MIN_BATTLES: bad }),
      (e: unknown) => e instanceof EnvError && /RANKING_MIN_BATTLES/.test(e.message),
    );
  assert.equal(parseEnv({}).RANKING_ANCHOR_MODEL, undefined);
  assert.equal(parseEnv({ RANKING_ANCHOR_MODEL: "gpt-4o" }).RANKING_ANCHOR_MODEL, "gpt-4o");
});

test("the live literature source is off by default and configured by LITERATURE_LIVE", () => {
  assert.equal(parseEnv({}).liveLiterature, undefined);
  assert.deepEqual(parseEnv({ LITERATURE_LIVE: "openalex" }).liveLiterature, {
    kind: "openalex",
    baseUrl: "https://api.openalex.org",
    apiKey: undefined,
    timeoutMs: 3000,
  });
  const s2 = parseEnv({
    LITERATURE_LIVE: "semantic-scholar",
    LITERATURE_LIVE_URL: "http://127.0.0.1:9/s2",
    LITERATURE_LIVE_KEY: "k",
    LITERATURE_LIVE_TIMEOUT_MS: "500",
  }).liveLiterature;
  assert.deepEqual(s2, {
    kind: "semantic-scholar",
    baseUrl: "http://127.0.0.1:9/s2",
    apiKey: "k",
    timeoutMs: 500,
  });
  assert.throws(
    () => parseEnv({ LITERATURE_LIVE: "google-scholar" }),
    (e: unknown) =>
      e instanceof EnvError && /LITERATURE_LIVE: must be "openalex" or "semantic-scholar"/.test(e.message),
  );
});

test("ENGINE_URLS is a comma-separated list of http(s) shard servers; a bad one stops start-up naming it", () => {
  assert.equal(parseEnv({}).ENGINE_URLS, undefined);
  assert.deepEqual(
    parseEnv({ ENGINE_URLS: " http://10.0.0.11:4200, https://shards.internal:4200/ ," }).ENGINE_URLS,
    ["http://10.0.0.11:4200", "https://shards.internal:4200/"],
  );
  assert.equal(parseEnv({}).ENGINE_TIMEOUT_MS, 5000);
  for (const bad of [
    { ENGINE_URLS: "ftp://10.0.0.11" },
    { ENGINE_URLS: "10.0.0.11:4200" },
    { ENGINE_URLS: " , " },
  ]) {
    assert.throws(
      () => parseEnv(bad),
      (e: unknown) => e instanceof EnvError && /ENGINE_URLS/.test(e.message),
    );
  }
  assert.throws(
    () => parseEnv({ ENGINE_TIMEOUT_MS: "0" }),
    (e: unknown) => e instanceof EnvError && /ENGINE_TIMEOUT_MS/.test(e.message),
  );
});
