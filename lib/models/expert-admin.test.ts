/**
 * Admin rules for installed experts against a real model folder (a copy of the shipped one) and a
 * temporary SQLite database with the committed migrations.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { DEFAULT_MODEL_DIR, installExpert, readPackage, verifyModelFiles } from "../../engine/moe";
import { copyOfPublicPackage } from "../../engine/moe/test-helpers";
import { createDb, type Db } from "../db/create";
import { applyMigrations } from "../db/migrate";
import { databaseTarget } from "../db/target";
import { HttpError } from "../http-error";
import { seedDefaultProviders } from "../providers/registry";
import {
  expertArenaNames,
  installedExperts,
  removeExpertSchema,
  removeInstalledExpert,
  rowExperts,
  rowsOfExpert,
  setExpertInArena,
} from "./expert-admin";

let dir: string;
let modelDir: string;
let db: Db;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "expert-admin-"));
  modelDir = path.join(dir, "model");
  cpSync(DEFAULT_MODEL_DIR, modelDir, { recursive: true });
  const target = databaseTarget(`file:${path.join(dir, "app.db")}`);
  await applyMigrations(target);
  db = createDb(target);
});

after(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

test("removal needs the expert's name typed again, and never the public expert", () => {
  assert.equal(removeExpertSchema.safeParse({ name: "lexicon", confirm: "lexicon" }).success, true);
  const typo = removeExpertSchema.safeParse({ name: "lexicon", confirm: "lexicom" });
  assert.equal(typo.success, false);
  assert.deepEqual(typo.error?.issues[0]?.path, ["confirm"]);
  assert.equal(removeExpertSchema.safeParse({ name: "public", confirm: "public" }).success, false);
  assert.equal(removeExpertSchema.safeParse({ name: "../x", confirm: "../x" }).success, false);
});

test("an arena row uses an expert when its config lists it or it is the expert's own configuration", () => {
  const rows = [
    { name: "flexolmo-all", kind: "local", enabled: true, config: '{"experts":["public","code","lexicon"]}' },
    { name: "flexolmo-no-lexicon", kind: "local", enabled: true, config: '{"experts":["public","code"]}' },
    { name: "flexolmo-public", kind: "local", enabled: true, config: '{"experts":["public"]}' },
    { name: "broken", kind: "local", enabled: true, config: "{not json" },
    { name: "gpt", kind: "openai", enabled: true, config: null },
  ];
  assert.deepEqual(rowExperts(rows[3] as (typeof rows)[number]), []);
  assert.deepEqual(
    rowsOfExpert(rows, "lexicon").map((r) => r.name),
    ["flexolmo-all", "flexolmo-no-lexicon"],
  );
  assert.deepEqual(expertArenaNames("lexicon"), ["flexolmo-lexicon", "flexolmo-no-lexicon"]);
});

test("an installed package is listed with its contributor; offered in the arena; removal disables its contenders", async () => {
  writeFileSync(path.join(dir, "lexicon.expert"), copyOfPublicPackage(modelDir, "lexicon"));
  installExpert(readPackage(path.join(dir, "lexicon.expert")), modelDir);
  await seedDefaultProviders(db, modelDir); // flexolmo-all now lists lexicon too
  // A contributed expert's opt-out is not seeded: it enters the arena when an admin offers it.
  assert.equal(await db.modelProvider.findUnique({ where: { name: "flexolmo-no-lexicon" } }), null);
  assert.ok(await db.modelProvider.findUnique({ where: { name: "flexolmo-no-code" } }));
  const names = await setExpertInArena(db, modelDir, "lexicon", true);
  assert.deepEqual(names, ["flexolmo-lexicon", "flexolmo-no-lexicon"]);
  const own = await db.modelProvider.findUniqueOrThrow({ where: { name: "flexolmo-lexicon" } });
  assert.deepEqual(JSON.parse(own.config ?? "{}").experts, ["public", "lexicon"]);
  assert.equal(own.enabled, true);

  const rows = await db.modelProvider.findMany({ where: { kind: "local" } });
  const listed = installedExperts(verifyModelFiles(modelDir), rows);
  const lexicon = listed.find((e) => e.id === "lexicon");
  assert.equal(lexicon?.origin, "package");
  assert.equal(lexicon?.contribution?.contributor, "A test");
  assert.equal(lexicon?.contribution?.licence, "CC0-1.0");
  assert.deepEqual(lexicon?.arena, [
    { name: "flexolmo-lexicon", enabled: true },
    { name: "flexolmo-no-lexicon", enabled: true },
  ]);
  assert.equal(listed[0]?.alwaysOn, true);
  assert.equal(listed.find((e) => e.id === "code")?.origin, "model");

  const { disabled, updated } = await removeInstalledExpert(db, modelDir, "lexicon");
  assert.deepEqual(disabled.sort(), ["flexolmo-lexicon", "flexolmo-no-lexicon"]);
  assert.ok(!verifyModelFiles(modelDir).experts.some((e) => e.id === "lexicon"));
  const gone = await db.modelProvider.findMany({ where: { name: { in: disabled } } });
  assert.ok(gone.every((r) => !r.enabled));
  // Contenders that listed it keep running without it.
  assert.ok(updated.includes("flexolmo-all") && updated.includes("flexolmo-no-code"));
  const all = await db.modelProvider.findUniqueOrThrow({ where: { name: "flexolmo-all" } });
  assert.equal(all.enabled, true);
  assert.deepEqual(JSON.parse(all.config ?? "{}").experts, ["public", "code", "creative", "docs", "email"]);
  const noCode = await db.modelProvider.findUniqueOrThrow({ where: { name: "flexolmo-no-code" } });
  assert.deepEqual(JSON.parse(noCode.config ?? "{}").experts, ["public", "creative", "docs", "email"]);
});

test("unknown experts are a 404, not a crash", async () => {
  await assert.rejects(removeInstalledExpert(db, modelDir, "nosuch"), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 404);
    return true;
  });
  await assert.rejects(setExpertInArena(db, modelDir, "nosuch", true), (e: unknown) => {
    assert.ok(e instanceof HttpError && e.status === 404);
    return true;
  });
});
