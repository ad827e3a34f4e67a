import "server-only";
import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "./env";

let secret: string | undefined;

/**
 * The server secret: NEXTAUTH_SECRET when set, otherwise one generated on first start and kept in
 * data/auth-secret (mode 0600) so sessions survive restarts. Written via a temporary file and a
 * rename, so two processes starting together both end up with the same complete secret.
 */
export function serverSecret(): string {
  if (secret) return secret;
  const configured = env().NEXTAUTH_SECRET;
  if (configured) {
    secret = configured;
    return secret;
  }
  const file = path.join(env().dataDir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, randomBytes(48).toString("base64url"), { mode: 0o600 });
    if (!existsSync(file)) renameSync(tmp, file);
  }
  chmodSync(file, 0o600);
  secret = readFileSync(file, "utf8").trim();
  return secret;
}

/** A key for one purpose, derived from the server secret (HKDF-SHA256), so purposes never share keys. */
export function derivedKey(purpose: string, bytes = 32): Buffer {
  return Buffer.from(hkdfSync("sha256", serverSecret(), "lmresearch", purpose, bytes));
}

/** A stable pseudonym for an id (HMAC-SHA256 under a purpose key); used for voter ids in exports. */
export function pseudonym(purpose: string, id: string): string {
  return createHmac("sha256", derivedKey(purpose)).update(id).digest("hex").slice(0, 24);
}
