import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { openSecret, sealSecret } from "./secret-box";

test("an API key round-trips and is not stored in the clear", () => {
  const key = randomBytes(32);
  const secret = "sk-test-0123456789abcdefghijklmnop";
  const sealed = sealSecret(secret, key);
  assert.ok(!sealed.includes(secret));
  assert.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(openSecret(sealed, key), secret);
  assert.notEqual(sealSecret(secret, key), sealed, "a fresh IV per encryption");
});

test("a wrong key or a tampered value fails to open", () => {
  const key = randomBytes(32);
  const sealed = sealSecret("sk-abc", key);
  assert.throws(() => openSecret(sealed, randomBytes(32)));
  const parts = sealed.split(".");
  const data = Buffer.from(parts[3], "base64url");
  data[0] ^= 1;
  parts[3] = data.toString("base64url");
  assert.throws(() => openSecret(parts.join("."), key));
  assert.throws(() => openSecret("garbage", key), /not a sealed secret/);
  assert.throws(() => sealSecret("x", randomBytes(16)), RangeError);
});
