/**
 * Admin command line.
 *
 *   npm run admin -- create --email a@b.org [--password P] [--name N]   create an admin (or promote an existing account)
 *   npm run admin -- promote --email a@b.org                             make an existing account admin
 *   npm run admin -- demote --email a@b.org                              make an admin a researcher
 *   npm run admin -- ban --email a@b.org | unban --email a@b.org
 *   npm run admin -- list                                                accounts with their roles
 *   npm run admin -- import-papers FILE                                  add or update papers from JSONL (arena literature)
 *   npm run admin -- rotate-secret                                       new server secret; provider keys re-sealed
 *                                                                        (lib/secret-rotation.ts; README "Rotating the secret")
 *
 * Uses the same database as the app (DATABASE_URL, or data/app.db) and applies pending migrations first.
 * Without --password, a random one is generated and printed once.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { importPapers } from "../lib/arena/papers";
import {
  AccountError,
  createAccount,
  issuePasswordReset,
  PASSWORD_RESET_TTL_MS,
  setBanned,
  setRole,
} from "../lib/auth/accounts";
import { createDb } from "../lib/db/create";
import { applyMigrations } from "../lib/db/migrate";
import { databaseTarget } from "../lib/db/target";
import { env, parseEnv } from "../lib/env";
import { PaperImportError } from "../lib/retrieval";
import { readPapersFile } from "../lib/retrieval/read-papers-file";
import { rotateSecret } from "../lib/secret-rotation";

const USAGE =
  "usage: npm run admin -- create|promote|demote|ban|unban|reset-link --email EMAIL [--password P] [--name N] | list | import-papers FILE | rotate-secret";

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" } },
  });
  parseEnv();
  const command = positionals[0];
  const target = databaseTarget(process.env.DATABASE_URL);
  await applyMigrations(target);
  const db = createDb(target);
  try {
    if (command === "list") {
      const users = await db.user.findMany({ orderBy: { createdAt: "asc" } });
      for (const u of users)
        console.log(`${u.role.padEnd(10)} ${u.banned ? "banned " : "active "} ${u.email}`);
      return 0;
    }
    if (command === "rotate-secret") {
      const outcome = await rotateSecret(db);
      if (outcome.kind === "needs-env") {
        console.error(
          [
            "NEXTAUTH_SECRET is set in the environment, so the new secret has to come from there too:",
            "  1. on every instance set NEXTAUTH_SECRET_PREVIOUS to the current NEXTAUTH_SECRET and NEXTAUTH_SECRET",
            `     to a new one (for example ${outcome.suggestion}), and restart the instances;`,
            "  2. run `npm run admin -- rotate-secret` again with those two set: it re-seals the stored provider keys;",
            "  3. after 30 days (when the last session signed with the old secret has expired) drop NEXTAUTH_SECRET_PREVIOUS.",
          ].join("\n"),
        );
        return 2;
      }
      const r = outcome.result;
      if (outcome.kind === "rotated")
        console.log(
          `new secret written to ${path.join(env().dataDir, "auth-secret")}; the old one kept in ${outcome.previousFile}`,
        );
      console.log(
        `provider keys: ${r.resealed} re-sealed under the new secret, ${r.current} already under it`,
      );
      if (r.unreadable.length > 0)
        console.log(
          `cannot open the stored API key of: ${r.unreadable.join(", ")} (re-enter them on Admin > Models)`,
        );
      if (outcome.kind === "rotated")
        console.log(
          "restart the server to sign new sessions with it; sessions signed before stay valid until they expire",
        );
      return 0;
    }
    if (command === "import-papers") {
      const file = positionals[1];
      if (!file) {
        console.error(USAGE);
        return 2;
      }
      const papers = readPapersFile(file);
      const { added, updated } = await importPapers(db, papers);
      console.log(`imported ${papers.length} papers from ${file}: ${added} new, ${updated} updated`);
      return 0;
    }
    const email = values.email;
    if (!command || !email) {
      console.error(USAGE);
      return 2;
    }
    if (command === "create") {
      const existing = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
      if (existing) {
        await setRole(db, email, "admin");
        console.log(`${existing.email} already had an account; it is now an admin.`);
        return 0;
      }
      const generated = !values.password;
      const password = values.password ?? randomBytes(12).toString("base64url");
      const user = await createAccount(db, { email, password, name: values.name }, { role: "admin" });
      console.log(`created admin ${user.email}`);
      if (generated) console.log(`password: ${password}   (shown once: keep it)`);
      return 0;
    }
    if (command === "promote" || command === "demote") {
      const u = await setRole(db, email, command === "promote" ? "admin" : "researcher");
      console.log(`${u.email} is now ${u.role}`);
      return 0;
    }
    if (command === "reset-link") {
      const token = await issuePasswordReset(db, email);
      const base = (process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(
        /\/$/,
        "",
      );
      console.log(`${base}/reset-password/${token}`);
      console.log(
        `one-time link for ${email.trim().toLowerCase()}, valid for ${PASSWORD_RESET_TTL_MS / 60_000} minutes`,
      );
      return 0;
    }
    if (command === "ban" || command === "unban") {
      const u = await setBanned(db, email, command === "ban");
      console.log(`${u.email} is now ${u.banned ? "banned" : "active"}`);
      return 0;
    }
    console.error(`unknown command "${command}"\n${USAGE}`);
    return 2;
  } catch (e) {
    if (e instanceof PaperImportError) {
      console.error(`cannot import: ${e.message}`);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      console.error(`cannot read ${(e as NodeJS.ErrnoException).path}: no such file`);
      return 2;
    }
    if (e instanceof AccountError) {
      const details = Object.entries(e.fields)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join("\n");
      console.error(`${e.message}${details ? `\n${details}` : ""}`);
      return 2;
    }
    throw e;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
