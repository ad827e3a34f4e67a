import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { test } from "node:test";
import { keyFrom, readKeys } from "../secrets";
import { openSecret, sealedKeyId, sealSecret } from "./secret-box";

const k = (secret: string) => keyFrom(secret, "provider-keys");

test("an API key round-trips, names the key that sealed it, and is not stored in the clear", () => {
  const key = k("a".repeat(40));
  const secret = "sk-test-0123456789abcdefghijklmnop";
  const sealed = sealSecret(secret, key);
  assert.ok(!sealed.includes(secret));
  assert.match(sealed, /^v2\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(sealedKeyId(sealed), key.id);
  assert.equal(openSecret(sealed, key), secret);
  assert.notEqual(sealSecret(secret, key), sealed, "a fresh IV per encryption");
});

test("keys derived for different purposes or from different secrets differ, and so do their ids", () => {
  const s = "b".repeat(40);
  assert.notDeepEqual(keyFrom(s, "provider-keys").key, keyFrom(s, "session").key);
  assert.notEqual(keyFrom(s, "provider-keys").id, keyFrom("c".repeat(40), "provider-keys").id);
  assert.deepEqual(keyFrom(s, "provider-keys"), keyFrom(s, "provider-keys"), "deterministic");
});

test("after a rotation the previous key still opens what it sealed; a third secret's values are refused by id", () => {
  const old = "old-secret-".padEnd(40, "x");
  const fresh = "new-secret-".padEnd(40, "y");
  const sealedOld = sealSecret("sk-old", k(old));
  const ring = readKeys("provider-keys", { current: fresh, previous: old });
  assert.equal(ring[0].id, k(fresh).id, "the current key comes first (it seals)");
  assert.equal(openSecret(sealedOld, ring), "sk-old");
  assert.throws(
    () => openSecret(sealSecret("sk-x", k("other".padEnd(40, "z"))), ring),
    /neither the current nor the previous/,
  );
});

test("values sealed before key ids (v1) still open with whichever key sealed them", () => {
  const old = k("legacy".padEnd(40, "l"));
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", old.key, iv);
  const data = Buffer.concat([c.update("sk-v1", "utf8"), c.final()]);
  const v1 = ["v1", iv, c.getAuthTag(), data]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
  assert.equal(sealedKeyId(v1), null);
  assert.equal(openSecret(v1, [k("current".padEnd(40, "c")), old]), "sk-v1");
});

test("a wrong key or a tampered value fails to open", () => {
  const key = k("d".repeat(40));
  const sealed = sealSecret("sk-abc", key);
  assert.throws(() => openSecret(sealed, { id: key.id, key: randomBytes(32) }));
  const parts = sealed.split(".");
  const data = Buffer.from(parts[4], "base64url");
  data[0] ^= 1;
  parts[4] = data.toString("base64url");
  assert.throws(() => openSecret(parts.join("."), key));
  assert.throws(() => openSecret("garbage", key), /not a sealed secret/);
  assert.throws(() => sealSecret("x", { id: "00000000", key: randomBytes(16) }), RangeError);
});
