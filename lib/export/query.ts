/**
 * Which votes an export holds (filters), and reading them page by page with a cursor on Vote.id, so an
 * export of any size keeps one page of rows in memory. Takes the database explicitly (testable).
 */
import { z } from "zod";
import type { Db, Prisma } from "../db/create";
import { HttpError } from "../http-error";
import { EXPORT_FORMATS, type ExportFormat, encoderFor } from "./formats";
import { ARENA_WINNER, type ExportRow, type SciArenaEvalRecord, toEvalRecord } from "./record";

export const VOTE_KINDS = ["a", "b", "tie", "bothbad"] as const;

export interface ExportFilters {
  /** Votes cast at or after `from` and before `to` (a date `to` includes that whole day). */
  from?: Date;
  to?: Date;
  subjects: string[];
  /** Battles with at least one of these models (by name). */
  models: string[];
  /** Vote kinds kept; all when empty. */
  votes: (typeof VOTE_KINDS)[number][];
  onlyTrusted: boolean;
  includeFlagged: boolean;
  includeExcludedVoters: boolean;
}

export const DEFAULT_FILTERS: ExportFilters = {
  subjects: [],
  models: [],
  votes: [],
  onlyTrusted: false,
  includeFlagged: false,
  includeExcludedVoters: false,
};

const list = z
  .string()
  .max(4000)
  .optional()
  .transform((s) =>
    (s ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

const day = z
  .string()
  .max(40)
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `"${s}" is not a date (use YYYY-MM-DD)` });
      return z.NEVER;
    }
    return d;
  });

const flag = (yes: string) =>
  z
    .string()
    .max(20)
    .optional()
    .transform((s) => s === yes || s === "true" || s === "1");

/** The query string of the export endpoint (and the admin page's form). */
export const exportQuerySchema = z
  .object({
    format: z
      .enum(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(", ")}` })
      .default("jsonl"),
    from: day,
    to: z
      .string()
      .max(40)
      .optional()
      .transform((s, ctx) => {
        if (!s) return undefined;
        const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
        const d = new Date(dateOnly ? `${s}T00:00:00Z` : s);
        if (Number.isNaN(d.getTime())) {
          ctx.addIssue({ code: "custom", message: `"${s}" is not a date (use YYYY-MM-DD)` });
          return z.NEVER;
        }
        // A bare date means "up to the end of that day".
        return dateOnly ? new Date(d.getTime() + 86_400_000) : d;
      }),
    subjects: list,
    models: list,
    votes: list.pipe(z.array(z.enum(VOTE_KINDS, { message: "votes are a, b, tie or bothbad" }))),
    trusted: flag("only"),
    flagged: flag("include"),
    excluded: flag("include"),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, {
    message: "`from` must be before `to`",
    path: ["from"],
  });

export function parseExportQuery(params: URLSearchParams): { format: ExportFormat; filters: ExportFilters } {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ""));
  const parsed = exportQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new HttpError(400, `${i.path.join(".") || "query"}: ${i.message}`);
  }
  const q = parsed.data;
  return {
    format: q.format,
    filters: {
      from: q.from,
      to: q.to,
      subjects: q.subjects,
      models: q.models,
      votes: q.votes,
      onlyTrusted: q.trusted,
      includeFlagged: q.flagged,
      includeExcludedVoters: q.excluded,
    },
  };
}

export function whereOf(f: ExportFilters): Prisma.VoteWhereInput {
  const battle: Prisma.BattleWhereInput = {};
  if (!f.includeFlagged) battle.flagged = false;
  if (f.subjects.length) battle.subject = { in: f.subjects };
  if (f.models.length)
    battle.OR = [{ modelA: { name: { in: f.models } } }, { modelB: { name: { in: f.models } } }];
  const user: Prisma.UserWhereInput = {};
  if (!f.includeExcludedVoters) user.votesExcluded = false;
  if (f.onlyTrusted) user.trusted = true;
  const where: Prisma.VoteWhereInput = {};
  if (Object.keys(battle).length) where.battle = battle;
  if (Object.keys(user).length) where.user = user;
  if (f.votes.length) where.choice = { in: f.votes };
  if (f.from || f.to) where.createdAt = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) };
  return where;
}

/** Exactly what a record needs: no user or provider columns are selected. */
const SELECT = {
  id: true,
  choice: true,
  createdAt: true,
  userId: true,
  battle: {
    select: {
      id: true,
      question: true,
      passages: true,
      answerA: true,
      answerB: true,
      subject: true,
      modelAId: true,
      modelBId: true,
    },
  },
} as const;

export const EXPORT_PAGE = 2000;

/** The matching votes, a page at a time, in Vote.id order. */
export async function* exportPages(
  db: Db,
  filters: ExportFilters,
  opts: { pageSize?: number; limit?: number } = {},
): AsyncGenerator<ExportRow[]> {
  const where = whereOf(filters);
  // Model names from one query up front: joining them per row costs as much as the rest of the page.
  const names = new Map(
    (await db.modelProvider.findMany({ select: { id: true, name: true } })).map((m) => [m.id, m.name]),
  );
  const size = opts.pageSize ?? EXPORT_PAGE;
  let left = opts.limit ?? Number.POSITIVE_INFINITY;
  let cursor: string | undefined;
  while (left > 0) {
    const take = Math.min(size, left);
    // `id > cursor` rather than Prisma's cursor option, which adds a subquery per page.
    const rows = await db.vote.findMany({
      where: cursor ? { AND: [where, { id: { gt: cursor } }] } : where,
      orderBy: { id: "asc" },
      take,
      select: SELECT,
    });
    if (rows.length === 0) return;
    const page: ExportRow[] = rows.map(({ battle: { modelAId, modelBId, ...battle }, ...vote }) => ({
      ...vote,
      battle: {
        ...battle,
        modelA: { name: names.get(modelAId) ?? modelAId },
        modelB: { name: names.get(modelBId) ?? modelBId },
      },
    }));
    yield page;
    left -= rows.length;
    if (rows.length < take) return;
    cursor = page[page.length - 1].id;
  }
}

export type VoterPseudonym = (userId: string) => string;

export async function countExport(db: Db, filters: ExportFilters): Promise<number> {
  return db.vote.count({ where: whereOf(filters) });
}

export async function previewExport(
  db: Db,
  filters: ExportFilters,
  voter: VoterPseudonym,
  n = 5,
): Promise<SciArenaEvalRecord[]> {
  const out: SciArenaEvalRecord[] = [];
  for await (const page of exportPages(db, filters, { limit: n })) {
    for (const row of page) out.push(toEvalRecord(row, voter(row.userId)));
  }
  return out;
}

/**
 * `voter` with a bounded memo: a voter's pseudonym is an HMAC, computed once per voter rather than once
 * per record (the memo is emptied past 10,000 voters so memory stays bounded).
 */
function cachedPseudonyms(voter: VoterPseudonym): VoterPseudonym {
  const cache = new Map<string, string>();
  return (id: string) => {
    let p = cache.get(id);
    if (p === undefined) {
      if (cache.size > 10_000) cache.clear();
      p = voter(id);
      cache.set(id, p);
    }
    return p;
  };
}

/** Records of the matching votes, page by page (for datasets built from an export slice). */
export async function* exportRecords(
  db: Db,
  filters: ExportFilters,
  voter: VoterPseudonym,
): AsyncGenerator<SciArenaEvalRecord[]> {
  const pseudo = cachedPseudonyms(voter);
  for await (const page of exportPages(db, filters)) {
    yield page.map((row) => toEvalRecord(row, pseudo(row.userId)));
  }
}

/**
 * The export as a byte stream, pulled page by page: the next page is read from the database only when
 * the consumer has taken the previous one, so memory stays at about one page whatever the size.
 * `opts.onProgress` gets the records written so far.
 */
export function exportStream(
  db: Db,
  format: ExportFormat,
  filters: ExportFilters,
  voter: VoterPseudonym,
  opts: { pageSize?: number; onProgress?: (records: number) => void } = {},
): ReadableStream<Uint8Array> {
  const encoder = encoderFor(format);
  let iterator: AsyncGenerator<ExportRow[]> | undefined;
  const pseudo = cachedPseudonyms(voter);
  let written = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= exportPages(db, filters, { pageSize: opts.pageSize });
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            const tail = encoder.end();
            if (tail.length) controller.enqueue(tail);
            controller.close();
            return;
          }
          const rows = next.value;
          const records = rows.map((row) => toEvalRecord(row, pseudo(row.userId)));
          const bytes = encoder.page(
            records,
            rows.map((r) => ARENA_WINNER[r.choice] ?? "tie"),
          );
          written += records.length;
          opts.onProgress?.(written);
          if (bytes.length) {
            controller.enqueue(bytes);
            return;
          }
        }
      },
      async cancel() {
        await iterator?.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** "sciarena-eval-2026-11-26.jsonl" */
export function exportFileName(format: ExportFormat, now = new Date()): string {
  const ext = format === "arena" ? "battles.jsonl" : format;
  return `sciarena-eval-${now.toISOString().slice(0, 10)}.${ext}`;
}
