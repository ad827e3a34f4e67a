/**
 * Keeps the two database providers in step with one model definition.
 *
 *   tsx scripts/db-schema.ts derive            write prisma/postgres/schema.prisma from prisma/schema.prisma
 *   tsx scripts/db-schema.ts migration <name>  write a new migration for SQLite and PostgreSQL
 *   tsx scripts/db-schema.ts check             fail if the derived schema or the migrations are behind
 *
 * prisma/schema.prisma (SQLite) is the source of truth. Each provider has a
 * snapshot of the schema as of its newest migration (`schema.snapshot.prisma`
 * in its migrations folder); a new migration is the diff from that snapshot to
 * the current schema, written with `prisma migrate diff`, which needs no
 * shadow database (`migrate dev` cannot run here, see TOOLCHAIN.md). The
 * database tests then apply the migrations to a fresh database of each kind
 * and check that it matches the schema exactly.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = process.cwd();
const source = path.join(root, "prisma", "schema.prisma");
const providers = {
  sqlite: { schema: source, migrations: path.join(root, "prisma", "migrations") },
  postgresql: {
    schema: path.join(root, "prisma", "postgres", "schema.prisma"),
    migrations: path.join(root, "prisma", "postgres", "migrations"),
  },
} as const;
type Provider = keyof typeof providers;

const HEADER = "// GENERATED from prisma/schema.prisma by `npm run db:schema`. Do not edit by hand.\n";

/** The PostgreSQL schema: the same models, another datasource and client output. */
export function derivePostgresSchema(sqliteSchema: string): string {
  let out = sqliteSchema.replace(/datasource db \{[^}]*\}/, () =>
    ["datasource db {", '  provider = "postgresql"', '  url      = env("DATABASE_URL")', "}"].join("\n"),
  );
  out = out.replace(
    /output\s*=\s*"\.\.\/lib\/db\/generated\/sqlite"/,
    'output       = "../../lib/db/generated/postgres"',
  );
  if (out === sqliteSchema || !out.includes("generated/postgres")) {
    throw new Error(
      "prisma/schema.prisma: could not find the datasource block or the generator output to rewrite",
    );
  }
  return HEADER + out;
}

function writeAtomic(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function snapshotPath(p: Provider) {
  return path.join(providers[p].migrations, "schema.snapshot.prisma");
}

function prisma(args: string[], env: Record<string, string | undefined>): string {
  return execFileSync(path.join(root, "node_modules", ".bin", "prisma"), args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** SQL that takes a database from `from` (a schema file, or empty) to `to`. */
function diffSql(p: Provider, from: string | null, to: string): string {
  // The config picks the adapter by DATABASE_URL. Prisma's JS schema engine connects even to diff two
  // schema files, so the PostgreSQL side needs a server: the test one (scripts/pg-test-server.sh).
  // The SQLite side gets a scratch file, so no data/ folder is needed.
  const scratch = path.join(mkdtempSync(path.join(tmpdir(), "lmr-diff-")), "diff.db");
  const env = { DATABASE_URL: p === "postgresql" ? postgresUrl() : `file:${scratch}` };
  const fromArgs = from ? ["--from-schema-datamodel", from] : ["--from-empty"];
  return prisma(["migrate", "diff", ...fromArgs, "--to-schema-datamodel", to, "--script"], env);
}

function postgresUrl(): string {
  if (process.env.PG_URL) return process.env.PG_URL;
  if (process.env.DATABASE_URL?.startsWith("postgres")) return process.env.DATABASE_URL;
  try {
    const out = execFileSync("bash", [path.join(root, "scripts", "pg-test-server.sh")], { encoding: "utf8" });
    return out.trim().split("\n").at(-1) ?? "";
  } catch {
    throw new Error(
      "writing a PostgreSQL migration needs a server: set PG_URL, or run as root so the test one starts",
    );
  }
}

function isEmptyMigration(sql: string) {
  return sql.split("\n").every((line) => line.trim() === "" || line.startsWith("--"));
}

function derive(): boolean {
  const want = derivePostgresSchema(readFileSync(source, "utf8"));
  const file = providers.postgresql.schema;
  const have = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (have === want) return false;
  writeAtomic(file, want);
  return true;
}

function newMigration(name: string) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("a migration name is lower-case letters, digits and _");
  derive();
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  for (const p of Object.keys(providers) as Provider[]) {
    const snap = snapshotPath(p);
    const current = providers[p].schema;
    const sql = diffSql(p, existsSync(snap) ? snap : null, current);
    if (isEmptyMigration(sql)) {
      console.log(`${p}: schema unchanged, no migration written`);
      continue;
    }
    const dir = path.join(providers[p].migrations, `${stamp}_${name}`);
    writeAtomic(path.join(dir, "migration.sql"), sql);
    writeAtomic(
      path.join(providers[p].migrations, "migration_lock.toml"),
      `# Written by scripts/db-schema.ts\nprovider = "${p}"\n`,
    );
    writeAtomic(snap, readFileSync(current, "utf8"));
    console.log(`${p}: wrote ${path.relative(root, dir)}/migration.sql`);
  }
}

function check(): string[] {
  const problems: string[] = [];
  const want = derivePostgresSchema(readFileSync(source, "utf8"));
  if (
    !existsSync(providers.postgresql.schema) ||
    readFileSync(providers.postgresql.schema, "utf8") !== want
  ) {
    problems.push("prisma/postgres/schema.prisma is out of date: run `npm run db:schema`");
  }
  for (const p of Object.keys(providers) as Provider[]) {
    const snap = snapshotPath(p);
    const dirs = existsSync(providers[p].migrations)
      ? readdirSync(providers[p].migrations, { withFileTypes: true }).filter((d) => d.isDirectory())
      : [];
    if (dirs.length === 0 || !existsSync(snap)) {
      problems.push(`${p}: no migrations yet: run \`npm run db:migration -- init\``);
      continue;
    }
    const current = p === "postgresql" ? want : readFileSync(providers[p].schema, "utf8");
    if (readFileSync(snap, "utf8") !== current) {
      problems.push(
        `${p}: the schema changed since the last migration: run \`npm run db:migration -- <name>\``,
      );
    }
  }
  return problems;
}

const [command, ...rest] = process.argv.slice(2);
if (command === "derive") {
  console.log(derive() ? "wrote prisma/postgres/schema.prisma" : "prisma/postgres/schema.prisma is current");
} else if (command === "migration") {
  newMigration(rest[0] ?? "");
} else if (command === "check") {
  const problems = check();
  for (const p of problems) console.error(`db:check: ${p}`);
  if (problems.length > 0) process.exit(1);
  console.log("db:check: derived schema and migrations are current for sqlite and postgresql");
} else {
  console.error("usage: tsx scripts/db-schema.ts derive | migration <name> | check");
  process.exit(2);
}
