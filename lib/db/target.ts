import path from "node:path";

/**
 * Where the app keeps its local state (SQLite file, auth secret, corpus, index): DATA_DIR, or `./data` when it
 * is unset or blank. The one place this rule lives (`lib/env.ts` calls it with the validated value).
 */
export function dataDir(value: string | undefined = process.env.DATA_DIR): string {
  const dir = value?.trim() ? value.trim() : path.join(process.cwd(), "data");
  return path.resolve(/*turbopackIgnore: true*/ dir);
}

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgresql"; url: string };

/**
 * Decides which database a DATABASE_URL names. Unset means the embedded SQLite
 * file `data/app.db`; `file:` URLs are SQLite files; `postgres://` and
 * `postgresql://` are PostgreSQL. Anything else is a configuration error.
 */
export function databaseTarget(url: string | undefined): DatabaseTarget {
  if (!url || url.trim() === "") {
    const file = path.join(dataDir(), "app.db");
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", url };
  if (url.startsWith("file:")) {
    const raw = url.slice("file:".length);
    const file = path.resolve(/*turbopackIgnore: true*/ raw);
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  throw new Error(
    `DATABASE_URL must be a postgresql:// URL or a file: path to a SQLite database (got "${url.slice(0, 40)}")`,
  );
}
