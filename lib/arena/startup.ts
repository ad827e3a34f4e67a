/**
 * Start-up work of the arena, run once after migrations (instrumentation-node.ts): seed the built-in models
 * and, on an empty collection, import the bundled sample papers. Idempotent and quick (a few queries when
 * everything is in place). Uses its own short-lived client, as the migration step does.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { createDb } from "../db/create";
import type { DatabaseTarget } from "../db/target";
import { seedDefaultProviders } from "../providers/registry";
import { readPapersFile } from "../retrieval/read-papers-file";
import { importPapers } from "./papers";

export const SAMPLE_PAPERS_FILE = path.join("lib", "retrieval", "sample-papers.jsonl");

export async function prepareArena(
  target: DatabaseTarget,
  opts: { modelDir: string; root?: string },
): Promise<{ providersCreated: number; papersImported: number }> {
  const db = createDb(target);
  try {
    const providersCreated = await seedDefaultProviders(db, opts.modelDir);
    let papersImported = 0;
    const sample = path.join(opts.root ?? process.cwd(), SAMPLE_PAPERS_FILE);
    if ((await db.paper.count()) === 0 && existsSync(sample)) {
      papersImported = (await importPapers(db, readPapersFile(sample))).added;
    }
    return { providersCreated, papersImported };
  } finally {
    await db.$disconnect();
  }
}
