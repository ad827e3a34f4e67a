/**
 * Secrets for several instances: NEXTAUTH_SECRET required on PostgreSQL, one key per purpose with an id, and
 * `rotate-secret`: provider keys re-sealed under the new secret, sessions signed before it still accepted
 * until they expire, both on the embedded default (secret files) and with NEXTAUTH_SECRET in the environment.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { encode } from "next-auth/jwt";
import { readSessionToken } from "./auth/session-token";
import { createDb, type Db } from "./db/create";
import { applyMigrations } from "./db/migrate";
import { databaseTarget } from "./db/target";
import { EnvError, parseEnv } from "./env";
import { registerOpenAiProvider } from "./providers/registry";
import { openSecret, sealedKeyId } from "./providers/secret-box";
import { resealProviderKeys, rotateSecret } from "./secret-rotation";
import {
  keyFrom,
  PROVIDER_KEYS,
  readKeys,
  resetSecretsCache,
  serverSecrets,
  sessionSecrets,
} from "./secrets";

const dir = mkdtempSync(path.join(tmpdir(), "secrets-"));
let db: Db;

before(async () => {
  process.env.DATA_DIR = dir;
  delete process.env.NEXTAUTH_SECRET;
  const target = databaseTarget(`file:${path.join(dir, "app.db")}`);
  await applyMigrations(target);
  db = createDb(target);
});

after(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const provider = (name: string) => ({
  name,
  baseUrl: "http://127.0.0.1:9/v1",
  modelName: "m",
  apiKey: `sk-${name}`,
  timeoutSeconds: 5,
  weight: 1,
});

test("PostgreSQL needs NEXTAUTH_SECRET, and start-up says so naming it; SQLite generates one", () => {
  assert.throws(
    () => parseEnv({ DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/db" }),
    (e: unknown) =>
      e instanceof EnvError && /NEXTAUTH_SECRET: is required when DATABASE_URL is PostgreSQL/.test(e.message),
  );
  parseEnv({ DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/db", NEXTAUTH_SECRET: "s".repeat(32) });
  parseEnv({});
  assert.throws(
    () => parseEnv({ NEXTAUTH_SECRET_PREVIOUS: "p".repeat(32) }),
    /NEXTAUTH_SECRET_PREVIOUS: needs NEXTAUTH_SECRET/,
  );
});

test("sessions, provider keys and pseudonyms use separate keys, none of them the secret itself", () => {
  const s = serverSecrets().current;
  const ids = ["session", PROVIDER_KEYS, "export-voter"].map((p) => keyFrom(s, p));
  assert.equal(new Set(ids.map((k) => k.id)).size, 3);
  assert.equal(new Set(ids.map((k) => k.key.toString("hex"))).size, 3);
  assert.notEqual(sessionSecrets()[0], s, "next-auth gets the derived session key");
  assert.equal(statSync(path.join(dir, "auth-secret")).mode & 0o777, 0o600);
});

test("rotate-secret: provider keys move to the new key, old sessions stay valid, foreign ones do not", async () => {
  const oldSecrets = serverSecrets();
  await registerOpenAiProvider(db, provider("first"), readKeys(PROVIDER_KEYS));
  const oldSession = await encode({ token: { uid: "u1" }, secret: sessionSecrets()[0] });
  // A cookie signed before sessions had their own key (next-auth given the raw secret).
  const legacySession = await encode({ token: { uid: "u2" }, secret: oldSecrets.current });
  const foreign = await encode({ token: { uid: "u3" }, secret: "another-deployment-secret-0123456789" });

  const outcome = await rotateSecret(db);
  assert.equal(outcome.kind, "rotated");
  assert.deepEqual(outcome.kind === "rotated" && outcome.result, { resealed: 1, current: 0, unreadable: [] });
  resetSecretsCache();
  const now = serverSecrets();
  assert.notEqual(now.current, oldSecrets.current);
  assert.equal(now.previous, oldSecrets.current);
  assert.equal(readFileSync(path.join(dir, "auth-secret.previous"), "utf8"), oldSecrets.current);

  const row = await db.modelProvider.findFirstOrThrow({ where: { name: "first" } });
  assert.equal(sealedKeyId(row.apiKeyCipher!), keyFrom(now.current, PROVIDER_KEYS).id);
  assert.equal(openSecret(row.apiKeyCipher!, readKeys(PROVIDER_KEYS)), "sk-first");
  assert.throws(() => openSecret(row.apiKeyCipher!, keyFrom(oldSecrets.current, PROVIDER_KEYS)));

  assert.equal((await readSessionToken(oldSession, sessionSecrets()))?.uid, "u1");
  assert.equal((await readSessionToken(legacySession, sessionSecrets()))?.uid, "u2");
  assert.equal(await readSessionToken(foreign, sessionSecrets()), null);
  // New sessions are signed with the new session key.
  const fresh = await encode({ token: { uid: "u4" }, secret: sessionSecrets()[0] });
  assert.equal((await readSessionToken(fresh, [sessionSecrets()[0]]))?.uid, "u4");

  // A second rotation re-seals under the newest secret first, so nothing depends on the dropped one.
  await registerOpenAiProvider(db, provider("second"), readKeys(PROVIDER_KEYS));
  assert.equal((await rotateSecret(db)).kind, "rotated");
  resetSecretsCache();
  for (const name of ["first", "second"]) {
    const r = await db.modelProvider.findFirstOrThrow({ where: { name } });
    assert.equal(openSecret(r.apiKeyCipher!, readKeys(PROVIDER_KEYS)), `sk-${name}`);
  }
  assert.ok(!existsSync(path.join(dir, "auth-secret.tmp")));
});

test("with NEXTAUTH_SECRET in the environment: told what to do without PREVIOUS; with it, keys are re-sealed", async () => {
  const oldS = "old-environment-secret-0123456789abcdef";
  const newS = "new-environment-secret-0123456789abcdef";
  await db.modelProvider.deleteMany({});
  await registerOpenAiProvider(
    db,
    provider("env"),
    readKeys(PROVIDER_KEYS, { current: oldS, previous: null }),
  );
  const only = await rotateSecret(db, parseEnv({ DATA_DIR: dir, NEXTAUTH_SECRET: oldS }));
  assert.equal(only.kind, "needs-env");
  const done = await rotateSecret(
    db,
    parseEnv({ DATA_DIR: dir, NEXTAUTH_SECRET: newS, NEXTAUTH_SECRET_PREVIOUS: oldS }),
  );
  assert.deepEqual(done.kind === "resealed" && done.result, { resealed: 1, current: 0, unreadable: [] });
  const row = await db.modelProvider.findFirstOrThrow({ where: { name: "env" } });
  assert.equal(openSecret(row.apiKeyCipher!, keyFrom(newS, PROVIDER_KEYS)), "sk-env");
  // Idempotent; a key no secret opens is reported, not destroyed.
  await db.modelProvider.update({
    where: { id: row.id },
    data: { apiKeyCipher: "v2.deadbeef.AAAA.AAAA.AAAA" },
  });
  const again = await resealProviderKeys(db, { current: newS, previous: oldS });
  assert.deepEqual(again, { resealed: 0, current: 0, unreadable: ["env"] });
});
