/**
 * AES-256-GCM for provider API keys at rest. The stored form is "v2.<key id>.<iv>.<tag>.<ciphertext>" (base64url
 * parts), with a fresh 96-bit IV per encryption; the GCM tag makes a tampered or wrong-key value fail to open
 * instead of decrypting to garbage. The key is `currentKey("provider-keys")` (lib/secrets.ts), never stored; its
 * id says which secret sealed a value, so after a rotation the previous key opens what it sealed until
 * `npm run admin -- rotate-secret` re-seals it. "v1.<iv>.<tag>.<ciphertext>" (before key ids) is still read.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { SecretKey } from "../secrets";

export function sealSecret(plain: string, key: SecretKey): string {
  if (key.key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v2", key.id, ...[iv, cipher.getAuthTag(), data].map((p) => p.toString("base64url"))].join(".");
}

/** The id of the key that sealed a value ("v2"), or null for "v1" values, which do not say. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split(".");
  return parts[0] === "v2" ? (parts[1] ?? null) : null;
}

/** Opens a sealed value with whichever of `keys` sealed it. Throws if none did or the value was altered. */
export function openSecret(sealed: string, keys: SecretKey | SecretKey[]): string {
  const ring = Array.isArray(keys) ? keys : [keys];
  const parts = sealed.split(".");
  let candidates: SecretKey[];
  let body: string[];
  if (parts[0] === "v2" && parts.length === 5) {
    candidates = ring.filter((k) => k.id === parts[1]);
    if (candidates.length === 0)
      throw new Error(`sealed with key ${parts[1]}, which is neither the current nor the previous secret's`);
    body = parts.slice(2);
  } else if (parts[0] === "v1" && parts.length === 4) {
    candidates = ring;
    body = parts.slice(1);
  } else {
    throw new Error("not a sealed secret");
  }
  const [iv, tag, data] = body;
  let last: unknown;
  for (const k of candidates) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", k.key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString(
        "utf8",
      );
    } catch (e) {
      last = e;
    }
  }
  throw last;
}
