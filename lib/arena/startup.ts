/**
 * Start-up work of the arena, run once after migrations (instrumentation-node.ts): seed the built-in models,
 * index papers an earlier version stored without a search index, and, on an empty collection, import the
 * bundled sample papers. Idempotent and quick (a few queries when
 * everything is in place). Uses its own short-lived client, as the migration step does, and runs one instance
 * at a time (withStartupLock), so instances started together on one PostgreSQL import the samples once.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { createDb } from "../db/create";
import { createSql } from "../db/sql";
import { STARTUP_LOCKS, withStartupLock } from "../db/startup-lock";
import type { DatabaseTarget } from "../db/target";
import { seedDefaultProviders } from "../providers/registry";
import { importPapersFile, indexUnindexedPassages } from "../retrieval";

export const SAMPLE_PAPERS_FILE = path.join("lib", "retrieval", "sample-papers.jsonl");

export async function prepareArena(
  target: DatabaseTarget,
  opts: { modelDir: string; root?: string },
): Promise<{ providersCreated: number; papersImported: number }> {
  return withStartupLock(target, STARTUP_LOCKS.arenaSeed, () => seedArena(target, opts));
}

async function seedArena(
  target: DatabaseTarget,
  opts: { modelDir: string; root?: string },
): Promise<{ providersCreated: number; papersImported: number }> {
  const db = createDb(target);
  const sql = createSql(target);
  try {
    const providersCreated = await seedDefaultProviders(db, opts.modelDir);
    await indexUnindexedPassages(sql);
    let papersImported = 0;
    const sample = path.join(opts.root ?? process.cwd(), SAMPLE_PAPERS_FILE);
    if ((await db.paper.count()) === 0 && existsSync(sample)) {
      papersImported = (await importPapersFile(sql, sample, { format: "jsonl", strict: true, restart: true }))
        .added;
    }
    return { providersCreated, papersImported };
  } finally {
    await sql.close();
    await db.$disconnect();
  }
}
