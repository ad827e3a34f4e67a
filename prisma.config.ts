/**
 * Prisma CLI configuration for both providers.
 *
 * DATABASE_URL decides: a postgres:// or postgresql:// URL selects
 * prisma/postgres/schema.prisma and @prisma/adapter-pg; anything else (or
 * nothing) selects the embedded SQLite database through better-sqlite3.
 * The JS engines are used throughout because the native engines cannot be
 * downloaded on these machines (see TOOLCHAIN.md).
 */
import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseTarget } from "./lib/db/target";

const target = databaseTarget(process.env.DATABASE_URL);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema:
    target.provider === "postgresql"
      ? path.join("prisma", "postgres", "schema.prisma")
      : "prisma/schema.prisma",
  migrations: {
    path:
      target.provider === "postgresql" ? path.join("prisma", "postgres", "migrations") : "prisma/migrations",
  },
  async adapter() {
    if (target.provider === "postgresql") {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: target.url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: target.url });
  },
});
