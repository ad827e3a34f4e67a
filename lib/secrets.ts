/**
 * The server secret and the keys derived from it.
 *
 * One secret (NEXTAUTH_SECRET, or on the embedded default one generated into data/auth-secret) is never used
 * directly: each purpose gets its own key, derived with HKDF-SHA256 (salt "lmresearch", info = the purpose),
 * with a key id (the first 8 hex digits of the key's SHA-256), so a value can say which key made it:
 *   - "session"           signs and encrypts the next-auth session cookies (as next-auth's `secret`);
 *   - "provider-keys"     seals the API keys of registered model endpoints (lib/providers/secret-box.ts);
 *   - "export-voter"      the HMAC behind voter pseudonyms in exports (lib/export/from-database.ts).
 *
 * Rotation (`npm run admin -- rotate-secret`, README "Rotating the secret"): the new secret becomes current
 * and the old one previous (NEXTAUTH_SECRET_PREVIOUS, or data/auth-secret.previous). The previous secret is
 * only ever used to read: session cookies it signed stay valid until they expire (and are renewed under the
 * current one), and provider keys sealed with it open until rotate-secret re-seals them.
 */
import { createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "./env";

/** The purpose of the key that seals provider API keys. */
export const PROVIDER_KEYS = "provider-keys";

export interface SecretKey {
  /** 8 hex digits naming the key (not secret: a hash of it). */
  id: string;
  key: Buffer;
}

export interface Secrets {
  current: string;
  previous: string | null;
}

let cached: Secrets | undefined;

/** The secret file of the embedded default, and its predecessor after a rotation. */
export function secretFiles(dataDir: string = env().dataDir): { current: string; previous: string } {
  const current = path.join(dataDir, "auth-secret");
  return { current, previous: `${current}.previous` };
}

/**
 * The server secrets: NEXTAUTH_SECRET (and NEXTAUTH_SECRET_PREVIOUS) when set, otherwise the secret generated
 * on first start and kept in data/auth-secret (mode 0600; data/auth-secret.previous after a rotation), so
 * sessions survive restarts. Written via a temporary file and a rename, so two processes starting together
 * both end up with the same complete secret. (On PostgreSQL, lib/env.ts requires NEXTAUTH_SECRET: instances
 * on several machines cannot share a file.)
 */
export function serverSecrets(): Secrets {
  if (cached) return cached;
  const config = env();
  if (config.NEXTAUTH_SECRET) {
    cached = { current: config.NEXTAUTH_SECRET, previous: config.NEXTAUTH_SECRET_PREVIOUS ?? null };
    return cached;
  }
  const files = secretFiles(config.dataDir);
  if (!existsSync(files.current)) writeSecretFile(files.current, newSecret());
  chmodSync(files.current, 0o600);
  cached = {
    current: readFileSync(files.current, "utf8").trim(),
    previous: existsSync(files.previous) ? readFileSync(files.previous, "utf8").trim() : null,
  };
  return cached;
}

/** A fresh secret: 384 random bits. */
export function newSecret(): string {
  return randomBytes(48).toString("base64url");
}

/** Writes a secret file atomically (temporary file, then rename), mode 0600; keeps an existing file. */
export function writeSecretFile(file: string, secret: string, replace = false): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, secret, { mode: 0o600 });
  if (replace || !existsSync(file)) renameSync(tmp, file);
}

/** The current server secret (see serverSecrets). */
export function serverSecret(): string {
  return serverSecrets().current;
}

/** The key for one purpose derived from `secret` (HKDF-SHA256), with its id. */
export function keyFrom(secret: string, purpose: string, bytes = 32): SecretKey {
  const key = Buffer.from(hkdfSync("sha256", secret, "lmresearch", purpose, bytes));
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
}

/** The current key for a purpose. */
export function currentKey(purpose: string): SecretKey {
  return keyFrom(serverSecrets().current, purpose);
}

/** Every key that may have written a value of this purpose: the current one first, then the previous one. */
export function readKeys(purpose: string, secrets: Secrets = serverSecrets()): SecretKey[] {
  const keys = [keyFrom(secrets.current, purpose)];
  if (secrets.previous && secrets.previous !== secrets.current) keys.push(keyFrom(secrets.previous, purpose));
  return keys;
}

/** A key for one purpose, derived from the current secret, so purposes never share keys. */
export function derivedKey(purpose: string, bytes = 32): Buffer {
  return keyFrom(serverSecrets().current, purpose, bytes).key;
}

/**
 * The secrets next-auth's session cookies are checked against, in order: the current session key (it also
 * signs new cookies), the previous one, then the raw secrets cookies were signed with before sessions had a
 * key of their own. A cookie any of them opens is accepted until it expires; renewals use the first.
 */
export function sessionSecrets(secrets: Secrets = serverSecrets()): readonly string[] {
  if (sessionMemo?.secrets === secrets) return sessionMemo.list;
  const raw = [secrets.current, ...(secrets.previous ? [secrets.previous] : [])];
  const list = [...raw.map((s) => keyFrom(s, "session").key.toString("base64url")), ...raw];
  sessionMemo = { secrets, list };
  return list;
}

/** sessionSecrets runs on every signed-in request: its derivations are kept for the secrets they came from. */
let sessionMemo: { secrets: Secrets; list: readonly string[] } | undefined;

/** A stable pseudonym for an id (HMAC-SHA256 under a purpose key); used for voter ids in exports. */
export function pseudonym(purpose: string, id: string): string {
  return createHmac("sha256", derivedKey(purpose)).update(id).digest("hex").slice(0, 24);
}

/** Forgets the cached secrets (tests; the admin CLI after a rotation). */
export function resetSecretsCache(): void {
  cached = undefined;
  sessionMemo = undefined;
}

/** The keys provider API keys are sealed with: the current one (it seals) and the previous one (reads). */
export function providerKey(): SecretKey[] {
  return readKeys(PROVIDER_KEYS);
}
