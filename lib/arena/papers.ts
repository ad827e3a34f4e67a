/** The paper collection in the database: import (upsert by id, in one transaction) and load. */
import type { Db } from "../db/create";
import type { Paper } from "../retrieval";

/**
 * Inserts new papers and updates existing ones (same id) in one transaction: a failing import leaves the
 * collection as it was. Returns how many were new and how many replaced.
 */
export async function importPapers(
  db: Db,
  papers: readonly Paper[],
): Promise<{ added: number; updated: number }> {
  const ids = papers.map((p) => p.id);
  const existing = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.paper.findMany({
      where: { id: { in: ids.slice(i, i + 500) } },
      select: { id: true },
    });
    for (const r of rows) existing.add(r.id);
  }
  await db.$transaction(
    async (tx) => {
      for (const p of papers) {
        const data = {
          title: p.title,
          authors: JSON.stringify(p.authors),
          year: p.year,
          venue: p.venue ?? null,
          url: p.url ?? null,
          abstract: p.abstract,
          text: p.text ?? null,
        };
        await tx.paper.upsert({ where: { id: p.id }, create: { id: p.id, ...data }, update: data });
      }
    },
    { timeout: 300_000 },
  );
  return { added: papers.length - existing.size, updated: existing.size };
}

/** Every paper, in id order, in lib/retrieval's shape. */
export async function loadPapers(db: Db): Promise<Paper[]> {
  const rows = await db.paper.findMany({ orderBy: { id: "asc" } });
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    authors: JSON.parse(r.authors) as string[],
    year: r.year,
    venue: r.venue ?? undefined,
    url: r.url ?? undefined,
    abstract: r.abstract,
    text: r.text ?? undefined,
  }));
}

/** Changes whenever a paper is added or updated: the in-memory index is rebuilt when it differs. */
export async function papersVersion(db: Db): Promise<string> {
  const agg = await db.paper.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
  return `${agg._count._all}:${agg._max.updatedAt?.getTime() ?? 0}`;
}
