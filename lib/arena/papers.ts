/**
 * The arena's literature: retrieval for a question, and imports of paper lists (the admin page's upload and
 * the start-up sample), all through lib/retrieval's store on the app's database.
 */
import type { SqlClient } from "../db/sql";
import type { ArenaPassage } from "../providers/types";
import { type Paper, type PaperFormat, PaperPreparer, searchPapers, writeBatch } from "../retrieval";
import { type LiveSource, searchLive } from "../retrieval/live";

/** Passages given to both models per question. */
export const PASSAGES_PER_QUESTION = 8;

/**
 * The passages of a question in the models' numbering ([n] = rank), with the time retrieval took. With a
 * live source, the papers it finds join the collection first (a failing source is reported in `liveError`
 * and retrieval goes on with the collection alone).
 */
export async function retrievePassages(
  sql: SqlClient,
  question: string,
  k = PASSAGES_PER_QUESTION,
  live?: LiveSource,
): Promise<{ passages: ArenaPassage[]; ms: number; liveError?: string }> {
  const started = performance.now();
  let liveError: string | undefined;
  if (live) {
    try {
      const found = await searchLive(live, question, 10);
      if (found.length > 0)
        await importPaperList(sql, found, live.kind === "openalex" ? "openalex" : "jsonl");
    } catch (e) {
      liveError = (e as Error).message;
    }
  }
  const { hits } = await searchPapers(sql, question, { k });
  return {
    passages: hits.map((h) => ({ n: h.rank, passageId: h.passage.id, text: h.passage.text, paper: h.paper })),
    ms: performance.now() - started,
    ...(liveError ? { liveError } : {}),
  };
}

/**
 * Adds new papers and replaces changed ones (matched by arXiv id, DOI or id), 2,000 per transaction.
 * Returns how many were new, replaced, and unchanged.
 */
export async function importPaperList(
  sql: SqlClient,
  papers: readonly Paper[],
  source: PaperFormat = "jsonl",
): Promise<{ added: number; updated: number; unchanged: number }> {
  const total = { added: 0, updated: 0, unchanged: 0 };
  const preparer = new PaperPreparer(source, sql.provider);
  for (let i = 0; i < papers.length; i += 2000) {
    const batch = papers.slice(i, i + 2000).map((p) => preparer.prepare(p));
    const r = await writeBatch(sql, batch, undefined, undefined, preparer.takeCounts());
    total.added += r.added;
    total.updated += r.updated;
    total.unchanged += r.unchanged + r.duplicates;
  }
  return total;
}
