/**
 * Admin command line.
 *
 *   npm run admin -- create --email a@b.org [--password P] [--name N]   create an admin (or promote an existing account)
 *   npm run admin -- promote --email a@b.org                             make an existing account admin
 *   npm run admin -- demote --email a@b.org                              make an admin a researcher
 *   npm run admin -- ban --email a@b.org | unban --email a@b.org
 *   npm run admin -- list                                                accounts with their roles
 *   npm run admin -- import-papers [--format jsonl|arxiv|openalex] [--restart] [--strict] FILE
 *       add or update papers (arena literature) from a JSON-lines file, plain or gzip: this app's records,
 *       arXiv's metadata snapshot, or OpenAlex works; streamed with progress on stderr; started again on the
 *       same file it resumes after the last committed batch (--restart: from the beginning)
 *   npm run -s admin -- search-papers [--json] [--k N] -- QUESTION      the passages a question retrieves, with ms
 *   npm run admin -- rotate-secret                                       new server secret; provider keys re-sealed
 *                                                                        (lib/secret-rotation.ts; README "Rotating the secret")
 *
 * Uses the same database as the app (DATABASE_URL, or data/app.db) and applies pending migrations first.
 * Without --password, a random one is generated and printed once.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
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
import { createSql } from "../lib/db/sql";
import { databaseTarget } from "../lib/db/target";
import { env, parseEnv } from "../lib/env";
import {
  importPapersFile,
  PAPER_FORMATS,
  type PaperFormat,
  PaperImportError,
  searchPapers,
} from "../lib/retrieval";
import { rotateSecret } from "../lib/secret-rotation";

const USAGE =
  "usage: npm run admin -- create|promote|demote|ban|unban|reset-link --email EMAIL [--password P] [--name N] | list | rotate-secret\n" +
  "       npm run admin -- import-papers [--format jsonl|arxiv|openalex] [--restart] [--strict] FILE\n" +
  "       npm run -s admin -- search-papers [--json] [--k N] -- QUESTION";

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      email: { type: "string" },
      password: { type: "string" },
      name: { type: "string" },
      format: { type: "string", default: "jsonl" },
      restart: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      k: { type: "string", default: "8" },
    },
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
    if (command === "import-papers") return await importPapersCommand(positionals[1], values);
    if (command === "search-papers") return await searchPapersCommand(positionals.slice(1).join(" "), values);
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

async function importPapersCommand(
  file: string | undefined,
  values: { format?: string; restart?: boolean; strict?: boolean },
): Promise<number> {
  const format = values.format as PaperFormat;
  if (!file || !PAPER_FORMATS.includes(format)) {
    console.error(`${!file ? "name the file to import" : `unknown format "${values.format}"`}\n${USAGE}`);
    return 2;
  }
  const sql = createSql(databaseTarget(process.env.DATABASE_URL));
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error(
      "\nstopping after the current batch (run the same command again to resume; Ctrl-C again to quit now)",
    );
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  let last = 0;
  try {
    const r = await importPapersFile(sql, file, {
      format,
      restart: values.restart,
      strict: values.strict,
      signal: controller.signal,
      onProgress: (p) => {
        if (Date.now() - last < 1000) return;
        last = Date.now();
        const pct = p.fileBytes
          ? ` (${Math.min(100, (100 * p.position) / p.fileBytes).toFixed(1)}% of the file)`
          : "";
        console.error(
          `${p.lines.toLocaleString("en")} lines${pct}: ${p.added} new, ${p.updated} updated, ${p.unchanged} unchanged, ${p.skipped} skipped, ${Math.round(p.rate)} papers/s`,
        );
      },
    });
    if (r.status === "already-done") {
      console.log(
        `${file} was imported already (${r.lines} lines, ${r.added} new); --restart imports it again`,
      );
      return 0;
    }
    const resumed = r.resumedAt ? ` (resumed after line ${r.resumedAt})` : "";
    console.log(
      `${r.status === "stopped" ? "stopped" : "imported"} ${file}${resumed}: ${r.lines} lines, ${r.added} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped} skipped in ${r.seconds.toFixed(1)} s (${Math.round(r.rate)} papers/s)`,
    );
    for (const e of r.errors) console.log(`  skipped ${e}`);
    return 0;
  } finally {
    await sql.close();
  }
}

async function searchPapersCommand(
  question: string,
  values: { json?: boolean; k?: string },
): Promise<number> {
  const k = Number(values.k);
  if (!question.trim() || !Number.isInteger(k) || k < 1 || k > 100) {
    console.error(
      `${question.trim() ? "--k must be a whole number from 1 to 100" : "ask a question"}\n${USAGE}`,
    );
    return 2;
  }
  const sql = createSql(databaseTarget(process.env.DATABASE_URL));
  try {
    const started = performance.now();
    const result = await searchPapers(sql, question, { k });
    const ms = performance.now() - started;
    if (values.json) {
      console.log(
        JSON.stringify({
          question,
          ms: Math.round(ms * 10) / 10,
          terms: result.terms,
          passages: result.hits.map((h) => ({
            n: h.rank,
            score: Math.round(h.score * 1000) / 1000,
            coverage: Math.round(h.coverage * 1000) / 1000,
            passageId: h.passage.id,
            paper: h.paper,
            text: h.passage.text,
          })),
        }),
      );
      return 0;
    }
    if (result.hits.length === 0) console.log(`no passage is relevant enough (${ms.toFixed(1)} ms)`);
    for (const h of result.hits) {
      console.log(`[${h.rank}] ${h.paper.title} (${h.paper.year}) ${h.paper.url ?? ""}`);
      console.log(
        `    score ${h.score.toFixed(2)}, covers ${(100 * h.coverage).toFixed(0)}% of the question`,
      );
      console.log(`    ${h.passage.text.slice(0, 200)}${h.passage.text.length > 200 ? "..." : ""}`);
    }
    if (result.hits.length) console.log(`${result.hits.length} passages in ${ms.toFixed(1)} ms`);
    return 0;
  } finally {
    await sql.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
