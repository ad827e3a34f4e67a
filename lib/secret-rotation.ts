/**
 * `npm run admin -- rotate-secret`: replaces the server secret and re-seals the stored provider API keys under
 * the new one, keeping sessions signed with the old secret valid until they expire (lib/secrets.ts).
 *
 * Embedded default (the secret lives in data/auth-secret): every provider key is first re-sealed under the
 * current secret (so nothing depends on the secret about to be dropped), the current secret becomes
 * data/auth-secret.previous and a new one data/auth-secret (each file replaced atomically), and every provider
 * key is re-sealed under the new one. A crash at any point leaves every key readable with the two files. Running
 * servers keep the secret they started with: restart them afterwards.
 *
 * NEXTAUTH_SECRET in the environment: the command cannot change it. The operator sets NEXTAUTH_SECRET to a new
 * value and NEXTAUTH_SECRET_PREVIOUS to the old one on every instance and restarts them; the command then
 * re-seals the provider keys still under the previous secret. Without NEXTAUTH_SECRET_PREVIOUS it says so and
 * changes nothing.
 */
import type { Db } from "./db/create";
import { type Env, env } from "./env";
import { openSecret, sealedKeyId, sealSecret } from "./providers/secret-box";
import {
  newSecret,
  PROVIDER_KEYS,
  readKeys,
  resetSecretsCache,
  type Secrets,
  secretFiles,
  serverSecrets,
  writeSecretFile,
} from "./secrets";

export interface ResealResult {
  /** Keys re-sealed under the current secret. */
  resealed: number;
  /** Keys already under it. */
  current: number;
  /** Model names whose key neither secret opens (left as they are; re-enter them on Admin > Models). */
  unreadable: string[];
}

/** Re-seals every stored provider API key under `secrets.current`, opening each with current or previous. */
export async function resealProviderKeys(db: Db, secrets: Secrets): Promise<ResealResult> {
  const keys = readKeys(PROVIDER_KEYS, secrets);
  const rows = await db.modelProvider.findMany({
    where: { apiKeyCipher: { not: null } },
    select: { id: true, name: true, apiKeyCipher: true },
  });
  const result: ResealResult = { resealed: 0, current: 0, unreadable: [] };
  const updates: { id: string; apiKeyCipher: string }[] = [];
  for (const row of rows) {
    const sealed = row.apiKeyCipher as string;
    if (sealedKeyId(sealed) === keys[0].id) {
      result.current++;
      continue;
    }
    try {
      updates.push({ id: row.id, apiKeyCipher: sealSecret(openSecret(sealed, keys), keys[0]) });
    } catch {
      result.unreadable.push(row.name);
    }
  }
  // All or nothing: a half re-sealed table would still be readable, but one transaction keeps it simple to reason about.
  await db.$transaction(
    updates.map((u) =>
      db.modelProvider.update({ where: { id: u.id }, data: { apiKeyCipher: u.apiKeyCipher } }),
    ),
  );
  result.resealed = updates.length;
  return result;
}

export type RotationOutcome =
  | { kind: "rotated"; result: ResealResult; previousFile: string }
  | { kind: "resealed"; result: ResealResult }
  | { kind: "needs-env"; suggestion: string };

/** Runs the rotation described above for this process's configuration. */
export async function rotateSecret(db: Db, config: Env = env()): Promise<RotationOutcome> {
  if (config.NEXTAUTH_SECRET) {
    if (!config.NEXTAUTH_SECRET_PREVIOUS) return { kind: "needs-env", suggestion: newSecret() };
    const result = await resealProviderKeys(db, {
      current: config.NEXTAUTH_SECRET,
      previous: config.NEXTAUTH_SECRET_PREVIOUS,
    });
    return { kind: "resealed", result };
  }
  const before = serverSecrets();
  await resealProviderKeys(db, before);
  const files = secretFiles(config.dataDir);
  writeSecretFile(files.previous, before.current, true);
  writeSecretFile(files.current, newSecret(), true);
  resetSecretsCache();
  const result = await resealProviderKeys(db, serverSecrets());
  return { kind: "rotated", result, previousFile: files.previous };
}
