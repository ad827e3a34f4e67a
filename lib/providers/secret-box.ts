/**
 * AES-256-GCM for provider API keys at rest. The stored form is "v1.<iv>.<tag>.<ciphertext>" (base64url), with a
 * fresh 96-bit IV per encryption; the GCM tag makes a tampered or wrong-key value fail to open instead of
 * decrypting to garbage. The key comes from `derivedKey("provider-keys")` (lib/secrets), never from the row.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export function sealSecret(plain: string, key: Buffer): string {
  if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** Throws if the value was not sealed with this key or was altered. */
export function openSecret(sealed: string, key: Buffer): string {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || iv === undefined || tag === undefined || data === undefined)
    throw new Error("not a sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
