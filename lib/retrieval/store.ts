/**
 * The paper collection in the database, and its search index (SQLite FTS5 or PostgreSQL full-text search):
 * the one place that writes papers, passages, index rows and term statistics, so the four stay consistent.
 *
 * Index terms are made here, in JavaScript (`indexTerms`: lib/retrieval/tokenize.ts over the title and the
 * passage), and handed to the database as space-separated terms (FTS5) or a tsvector literal (PostgreSQL),
 * so both databases index exactly the terms the ranking and the statistics count. `PaperTerm` holds each
 * term's document frequency and the collection's passage and token counts, for BM25's idf and average
 * length; it is updated in the same transaction as the passages.
 *
 * SQL is portable (`lib/db/sql.ts`) except for the index itself and bulk writes: PostgreSQL takes each batch
 * as arrays (`unnest`) in a few statements, SQLite runs cached prepared statements row by row (in-process,
 * microseconds each).
 */
import { hash } from "node:crypto";
import type { SqlClient, SqlRunner, SqlValue } from "../db/sql";
import type { Paper, PaperFormat } from "./papers";
import { splitIntoPassages } from "./passages";
import { indexWords, termOfWord, tokenize } from "./tokenize";

/** Reserved PaperTerm rows ('#' never occurs in a term): passage count and total index terms. */
export const PASSAGES_KEY = "#passages";
export const TOKENS_KEY = "#tokens";

/** The index terms of a passage: its paper's title and its text. */
export function indexTerms(title: string, text: string): string[] {
  return tokenize(`${title}\n${text}`);
}

export interface PreparedPassage {
  position: number;
  section: "abstract" | "body";
  text: string;
  /** The index row: space-separated terms (FTS5) or a stripped tsvector literal (PostgreSQL). */
  indexed: string;
  /** Its distinct terms, space-separated, and its length in terms (for the statistics). */
  distinct: string;
  length: number;
}

/**
 * Strings rather than arrays of terms: a prepared batch crosses from the reading worker to the writer by
 * structured clone, where one string costs far less than a hundred.
 */
export function preparePassageIndex(
  terms: readonly string[],
  provider: SqlClient["provider"],
): Pick<PreparedPassage, "indexed" | "distinct" | "length"> {
  const distinct = new Set(terms);
  return {
    indexed: provider === "postgresql" ? tsvectorLiteral(distinct) : terms.join(" "),
    distinct: [...distinct].join(" "),
    length: terms.length,
  };
}

/** A paper ready to store: passages split and tokenised (CPU work done before the transaction). */
export interface PreparedPaper {
  paper: Paper;
  /** The format it was imported from (Paper.source). */
  source: PaperFormat;
  /** SHA-256 of the stored fields: an identical record met again is skipped. */
  hash: string;
  passages: PreparedPassage[];
}

/** SHA-256 of the fields a paper is stored with: an identical record met again is skipped. */
function paperHash(paper: Paper): string {
  return hash(
    "sha256",
    JSON.stringify([
      paper.id,
      paper.arxivId ?? null,
      paper.doi ?? null,
      paper.title,
      paper.authors,
      paper.year,
      paper.venue ?? null,
      paper.url ?? null,
      paper.categories ?? null,
      paper.abstract,
      paper.text ?? null,
    ]),
    "base64url",
  );
}

/** A term met by a `PaperPreparer`: shared by every word that stems to it. */
interface TermEntry {
  term: string;
  /** The last passage that held it (its serial number), and the batch whose count `df` is. */
  passage: number;
  batch: number;
  /** Passages of that batch holding it. */
  df: number;
}

/** Words a `PaperPreparer` remembers before it starts afresh (between two batches): some tens of MB. */
const PREPARER_WORDS_MAX = 200_000;

/** ASCII characters of a word once lowercased (tokenize.ts's ASCII_WORD: a-z and 0-9). */
const ASCII_WORD_CHAR = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_WORD_CHAR[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_WORD_CHAR[c] = 1;
const APOSTROPHE = 39;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII test
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Words met so far and their terms' entries (null for a stopword), in an open-addressing table of FNV-1a
 * hashes that is probed with a word's place in the text: a word met before costs no substring and no
 * string hashing by the engine. Written here because a Map keyed by each word's fresh substring cost about
 * 150 ns a word, the reading thread's largest cost.
 */
class WordTable {
  private slots = new Int32Array(1 << 16); // word index + 1; 0 = empty
  private hashes = new Int32Array(1 << 16);
  private words: string[] = [];
  private wordHashes: number[] = [];
  entries: (TermEntry | null)[] = [];

  get size(): number {
    return this.words.length;
  }

  /** The index of `text.slice(start, end)`, whose hash is `h`, or -1. */
  find(text: string, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i];
      if (slot === 0) return -1;
      if (this.hashes[i] === h) {
        const w = this.words[slot - 1];
        if (w.length === end - start && text.startsWith(w, start)) return slot - 1;
      }
    }
  }

  add(word: string, h: number, entry: TermEntry | null): void {
    if ((this.words.length + 1) * 2 > this.slots.length) this.grow();
    this.words.push(word);
    this.wordHashes.push(h);
    this.entries.push(entry);
    this.place(this.words.length, h);
  }

  clear(): void {
    this.slots = new Int32Array(1 << 16);
    this.hashes = new Int32Array(1 << 16);
    this.words = [];
    this.wordHashes = [];
    this.entries = [];
  }

  private place(slot: number, h: number) {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = slot;
    this.hashes[i] = h;
  }

  private grow() {
    this.slots = new Int32Array(this.slots.length * 2);
    this.hashes = new Int32Array(this.slots.length);
    for (let k = 0; k < this.words.length; k++) this.place(k + 1, this.wordHashes[k]);
  }
}

/** FNV-1a of `text.slice(start, end)`'s UTF-16 code units. */
function hashOf(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * Prepares the papers of an import (passages split, index rows made) and counts their terms batch by batch.
 * The terms are `indexTerms`' (tokenize.ts's `indexWords` and `termOfWord`), made for bulk work: a word leads
 * through a `WordTable` to its term's entry, whose stamps tell whether the passage and the batch already
 * hold the term, in place of a Set per passage and a Map per batch. ASCII text (nearly every abstract) is
 * scanned here rather than split by a regular expression, the same words (retrieval.test.ts compares them).
 * Words are remembered across papers (the vocabulary is Zipfian, so most are met before); past `maxWords`
 * the memory is dropped when a batch ends, which bounds it.
 */
export class PaperPreparer {
  private readonly table = new WordTable();
  private readonly byTerm = new Map<string, TermEntry>();
  private passageNo = 0;
  private batchNo = 1;
  private batchTerms: TermEntry[] = [];
  private passages = 0;
  private tokens = 0;

  /** `maxWords`: how many words it remembers before starting afresh at the end of a batch. */
  constructor(
    private readonly source: PaperFormat = "jsonl",
    private readonly provider: SqlClient["provider"] = "sqlite",
    private readonly maxWords = PREPARER_WORDS_MAX,
  ) {}

  prepare(paper: Paper): PreparedPaper {
    const passages = splitIntoPassages(paper).map((p) => ({
      position: p.index,
      section: p.section,
      text: p.text,
      ...this.passageIndex(paper.title, p.text),
    }));
    return { paper, source: this.source, hash: paperHash(paper), passages };
  }

  /** The entry of the word `text.slice(start, end)` (hash `h`), its term made the first time. */
  private entryOf(text: string, start: number, end: number, h: number): TermEntry | null {
    const k = this.table.find(text, start, end, h);
    if (k >= 0) return this.table.entries[k];
    const word = text.slice(start, end);
    const term = termOfWord(word);
    let e: TermEntry | null = null;
    if (term !== "") {
      e = this.byTerm.get(term) ?? null;
      if (e === null) {
        e = { term, passage: 0, batch: 0, df: 0 };
        this.byTerm.set(term, e);
      }
    }
    this.table.add(word, h, e);
    return e;
  }

  /** `preparePassageIndex(indexTerms(title, text))`, counting the passage's terms into the batch. */
  private passageIndex(
    title: string,
    text: string,
  ): Pick<PreparedPassage, "indexed" | "distinct" | "length"> {
    const serial = ++this.passageNo;
    const terms: string[] = [];
    const distinct: string[] = [];
    const count = (e: TermEntry | null) => {
      if (e === null) return;
      terms.push(e.term);
      if (e.passage !== serial) {
        e.passage = serial;
        distinct.push(e.term);
        if (e.batch !== this.batchNo) {
          e.batch = this.batchNo;
          e.df = 0;
          this.batchTerms.push(e);
        }
        e.df++;
      }
    };
    const full = `${title}\n${text}`;
    if (NON_ASCII.test(full)) {
      for (const word of indexWords(full))
        count(this.entryOf(word, 0, word.length, hashOf(word, 0, word.length)));
    } else {
      // indexWords' ASCII path: runs of [a-z0-9] joined by single inner apostrophes, in the lowercased text.
      const s = full.toLowerCase();
      const n = s.length;
      let i = 0;
      while (i < n) {
        if (ASCII_WORD_CHAR[s.charCodeAt(i)] !== 1) {
          i++;
          continue;
        }
        const start = i;
        let h = FNV_OFFSET;
        for (;;) {
          let c = s.charCodeAt(i);
          while (i < n && ASCII_WORD_CHAR[c] === 1) {
            h = Math.imul(h ^ c, FNV_PRIME);
            c = s.charCodeAt(++i);
          }
          if (c === APOSTROPHE && i + 1 < n && ASCII_WORD_CHAR[s.charCodeAt(i + 1)] === 1) {
            h = Math.imul(h ^ c, FNV_PRIME);
            i++;
            continue;
          }
          break;
        }
        count(this.entryOf(s, start, i, h));
      }
    }
    this.passages++;
    this.tokens += terms.length;
    return {
      indexed: this.provider === "postgresql" ? tsvectorLiteral(distinct) : terms.join(" "),
      distinct: distinct.join(" "),
      length: terms.length,
    };
  }

  /** The document-frequency increments of the papers prepared since the last call; a new batch starts. */
  takeCounts(): BatchTermCounts {
    const entries = this.batchTerms;
    const counts: BatchTermCounts = {
      terms: entries.map((e) => e.term).join(" "),
      counts: Int32Array.from(entries, (e) => e.df),
      passages: this.passages,
      tokens: this.tokens,
    };
    this.batchTerms = [];
    this.batchNo++;
    this.passages = 0;
    this.tokens = 0;
    if (this.table.size > this.maxWords) {
      this.table.clear();
      this.byTerm.clear();
    }
    return counts;
  }
}

/** One paper ready to store (a fresh `PaperPreparer`; an import keeps one for all its papers). */
export function preparePaper(
  paper: Paper,
  source: PaperFormat = "jsonl",
  provider: SqlClient["provider"] = "sqlite",
): PreparedPaper {
  return new PaperPreparer(source, provider).prepare(paper);
}

export interface BatchCounts {
  added: number;
  updated: number;
  /** Met again with the same content (by arXiv id, DOI or id). */
  unchanged: number;
  /** Records of this batch that another record of the same batch superseded (same paper twice in a file). */
  duplicates: number;
}

/** Committed with the batch, so a resumed import starts after exactly the lines already stored. */
export interface BatchProgress {
  importId: string;
  position: number;
  lines: number;
  skipped: number;
  error: string | null;
}

interface ExistingPaper {
  id: string;
  hash: string;
  arxivId: string | null;
  doi: string | null;
  title: string;
}

/** `"col" IN (...)` over a list bound as one parameter, on either database. */
function inList(sql: SqlClient, column: string, values: readonly (string | number)[]): [string, SqlValue] {
  return sql.provider === "postgresql"
    ? [`${column} = ANY(?)`, values]
    : [`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(values)];
}

/** Later records win over earlier ones that share an arXiv id, a DOI or an id. */
function dedupeBatch(batch: readonly PreparedPaper[]): { unique: PreparedPaper[]; duplicates: number } {
  const slots: (PreparedPaper | null)[] = [];
  const owner = new Map<string, number>();
  let duplicates = 0;
  for (const p of batch) {
    const keys = [`id:${p.paper.id}`];
    if (p.paper.arxivId) keys.push(`arxiv:${p.paper.arxivId}`);
    if (p.paper.doi) keys.push(`doi:${p.paper.doi}`);
    for (const k of keys) {
      const prev = owner.get(k);
      if (prev !== undefined && slots[prev]) {
        slots[prev] = null;
        duplicates++;
      }
    }
    slots.push(p);
    for (const k of keys) owner.set(k, slots.length - 1);
  }
  return { unique: slots.filter((p): p is PreparedPaper => p !== null), duplicates };
}

async function findExisting(sql: SqlClient, tx: SqlRunner, batch: readonly PreparedPaper[]) {
  const byId = new Map<string, ExistingPaper>();
  const byArxiv = new Map<string, ExistingPaper>();
  const byDoi = new Map<string, ExistingPaper>();
  const lookups: [string, string[]][] = [
    [`"id"`, batch.map((p) => p.paper.id)],
    [`"arxivId"`, batch.flatMap((p) => (p.paper.arxivId ? [p.paper.arxivId] : []))],
    [`"doi"`, batch.flatMap((p) => (p.paper.doi ? [p.paper.doi] : []))],
  ];
  for (const [column, values] of lookups) {
    if (values.length === 0) continue;
    const [where, param] = inList(sql, column, values);
    const rows = await tx.all<ExistingPaper>(
      `SELECT "id", "hash", "arxivId", "doi", "title" FROM "Paper" WHERE ${where}`,
      [param],
    );
    for (const r of rows) {
      byId.set(r.id, r);
      if (r.arxivId) byArxiv.set(r.arxivId, r);
      if (r.doi) byDoi.set(r.doi, r);
    }
  }
  return { byId, byArxiv, byDoi };
}

/** Document-frequency changes of a batch: +1 per passage holding a term, and the two totals. */
class TermDeltas {
  readonly deltas = new Map<string, number>();
  add(distinct: Iterable<string>, length: number, sign: 1 | -1) {
    for (const t of distinct) this.deltas.set(t, (this.deltas.get(t) ?? 0) + sign);
    this.deltas.set(PASSAGES_KEY, (this.deltas.get(PASSAGES_KEY) ?? 0) + sign);
    this.deltas.set(TOKENS_KEY, (this.deltas.get(TOKENS_KEY) ?? 0) + sign * length);
  }
  addTerms(terms: readonly string[], sign: 1 | -1) {
    this.add(new Set(terms), terms.length, sign);
  }
  addPassages(passages: readonly PreparedPassage[], sign: 1 | -1) {
    for (const p of passages) this.add(p.distinct ? p.distinct.split(" ") : [], p.length, sign);
  }
  addCounts(c: BatchTermCounts) {
    const terms = c.terms ? c.terms.split(" ") : [];
    for (let i = 0; i < terms.length; i++)
      this.deltas.set(terms[i], (this.deltas.get(terms[i]) ?? 0) + c.counts[i]);
    this.deltas.set(PASSAGES_KEY, (this.deltas.get(PASSAGES_KEY) ?? 0) + c.passages);
    this.deltas.set(TOKENS_KEY, (this.deltas.get(TOKENS_KEY) ?? 0) + c.tokens);
  }
}

/**
 * The document-frequency increments of a batch's passages, summed where the batch is prepared (the import's
 * reading thread), so the writing thread gets one entry per distinct term of the batch instead of one per
 * term of every passage: parallel arrays, which cross between threads far cheaper than a Map.
 */
export interface BatchTermCounts {
  /** Distinct terms, space-separated (terms never hold a space). */
  terms: string;
  /** Passages of the batch holding each term. */
  counts: Int32Array;
  passages: number;
  tokens: number;
}

/**
 * tsvector literal of a passage's terms: each distinct term once, without positions (a "stripped" tsvector).
 * Nothing reads positions (candidates are matched by terms and ranked by idf-weighted coverage, the BM25 score
 * is computed from the passage text), and without them a row is about half the size: less for the import to
 * write and for a question's candidate query to read per matching row.
 */
export function tsvectorLiteral(terms: Iterable<string>): string {
  // Terms are letters, marks and digits only (tokenize.ts), so they need no escaping; quoted for safety.
  return [...new Set(terms)].map((t) => `'${t.replaceAll("'", "''")}'`).join(" ");
}

/**
 * Stores a batch in one transaction: new papers are added, changed ones replaced (their old passages
 * leave the index and the statistics), unchanged ones skipped; the import's progress is committed with
 * them. Papers are matched by arXiv id, then DOI, then id; a matched paper keeps its id and gains the
 * identifiers it lacked (unless another paper holds them). `termCounts`, when given, is the batch's
 * `PaperPreparer.takeCounts()`, made ahead (by the import's reading thread).
 */
export async function writeBatch(
  sql: SqlClient,
  batch: readonly PreparedPaper[],
  progress?: BatchProgress,
  counts?: { added: number; updated: number; unchanged: number; duplicates: number },
  termCounts?: BatchTermCounts,
): Promise<BatchCounts> {
  const { unique, duplicates } = dedupeBatch(batch);
  const now = new Date();
  return sql.transaction(async (tx) => {
    const { byId, byArxiv, byDoi } = await findExisting(sql, tx, unique);
    const inserts: { id: string; p: PreparedPaper; arxivId?: string; doi?: string }[] = [];
    const updates: {
      id: string;
      p: PreparedPaper;
      arxivId: string | null;
      doi: string | null;
      old: ExistingPaper;
    }[] = [];
    let unchanged = 0;
    for (const p of unique) {
      const { paper } = p;
      const match =
        (paper.arxivId ? byArxiv.get(paper.arxivId) : undefined) ??
        (paper.doi ? byDoi.get(paper.doi) : undefined) ??
        byId.get(paper.id);
      if (match?.hash === p.hash) {
        unchanged++;
        continue;
      }
      const free = (m: Map<string, ExistingPaper>, key: string | undefined, self?: string) =>
        key !== undefined && (m.get(key) === undefined || m.get(key)?.id === self);
      if (match) {
        updates.push({
          id: match.id,
          p,
          old: match,
          arxivId: free(byArxiv, paper.arxivId, match.id) ? paper.arxivId! : match.arxivId,
          doi: free(byDoi, paper.doi, match.id) ? paper.doi! : match.doi,
        });
      } else {
        inserts.push({
          id: paper.id,
          p,
          arxivId: free(byArxiv, paper.arxivId) ? paper.arxivId : undefined,
          doi: free(byDoi, paper.doi) ? paper.doi : undefined,
        });
      }
    }
    const deltas = new TermDeltas();
    const written = [...updates, ...inserts];
    if (termCounts) {
      // The counts hold every paper of the batch: take out those not written (unchanged, superseded).
      deltas.addCounts(termCounts);
      const kept = new Set(written.map((u) => u.p));
      for (const p of batch) if (!kept.has(p)) deltas.addPassages(p.passages, -1);
    } else for (const u of written) deltas.addPassages(u.p.passages, 1);
    if (updates.length > 0) await removePassages(sql, tx, updates, deltas);
    for (const u of updates) {
      const { paper } = u.p;
      await tx.run(
        `UPDATE "Paper" SET "arxivId" = ?, "doi" = ?, "title" = ?, "authors" = ?, "year" = ?, "venue" = ?,
           "url" = ?, "categories" = ?, "hash" = ?, "source" = ?, "updatedAt" = ? WHERE "id" = ?`,
        [
          u.arxivId,
          u.doi,
          paper.title,
          JSON.stringify(paper.authors),
          paper.year,
          paper.venue ?? null,
          paper.url ?? null,
          paper.categories ?? null,
          u.p.hash,
          u.p.source,
          now,
          u.id,
        ],
      );
    }
    await insertPapers(sql, tx, inserts, now);
    const passages = written.flatMap((u) => u.p.passages.map((pp) => ({ paperId: u.id, ...pp })));
    await insertPassages(sql, tx, passages);
    await applyTermDeltas(sql, tx, deltas);
    const result = { added: inserts.length, updated: updates.length, unchanged, duplicates };
    if (progress) {
      const total = {
        added: (counts?.added ?? 0) + result.added,
        updated: (counts?.updated ?? 0) + result.updated,
        unchanged: (counts?.unchanged ?? 0) + result.unchanged + (counts?.duplicates ?? 0) + duplicates,
      };
      await tx.run(
        `UPDATE "PaperImport" SET "position" = ?, "lines" = ?, "added" = ?, "updated" = ?, "unchanged" = ?,
           "skipped" = ?, "error" = ?, "updatedAt" = ? WHERE "id" = ?`,
        [
          progress.position,
          progress.lines,
          total.added,
          total.updated,
          total.unchanged,
          progress.skipped,
          progress.error,
          now,
          progress.importId,
        ],
      );
    }
    return result;
  });
}

async function removePassages(
  sql: SqlClient,
  tx: SqlRunner,
  updates: readonly { id: string; old: ExistingPaper }[],
  deltas: TermDeltas,
) {
  const titles = new Map(updates.map((u) => [u.id, u.old.title]));
  const [where, param] = inList(sql, `"paperId"`, [...titles.keys()]);
  const old = await tx.all<{ paperId: string; text: string }>(
    `SELECT "paperId", "text" FROM "PaperPassage" WHERE ${where}`,
    [param],
  );
  for (const o of old) deltas.addTerms(indexTerms(titles.get(o.paperId) ?? "", o.text), -1);
  // The index rows go with them: a trigger on SQLite, ON DELETE CASCADE on PostgreSQL.
  await tx.run(`DELETE FROM "PaperPassage" WHERE ${where}`, [param]);
}

async function insertPapers(
  sql: SqlClient,
  tx: SqlRunner,
  inserts: readonly { id: string; p: PreparedPaper; arxivId?: string; doi?: string }[],
  now: Date,
) {
  if (inserts.length === 0) return;
  const rows = inserts.map(({ id, p, arxivId, doi }) => [
    id,
    arxivId ?? null,
    doi ?? null,
    p.paper.title,
    JSON.stringify(p.paper.authors),
    p.paper.year,
    p.paper.venue ?? null,
    p.paper.url ?? null,
    p.paper.categories ?? null,
    p.hash,
    p.source,
  ]);
  const columns = `"id", "arxivId", "doi", "title", "authors", "year", "venue", "url", "categories", "hash", "source"`;
  if (sql.provider === "postgresql") {
    const types = ["text", "text", "text", "text", "text", "int", "text", "text", "text", "text", "text"];
    await tx.run(
      `INSERT INTO "Paper" (${columns}, "createdAt", "updatedAt")
       SELECT u.*, ?::timestamp(3), ?::timestamp(3) FROM unnest(${types.map((t) => `?::${t}[]`).join(", ")}) AS u`,
      [now, now, ...types.map((_, c) => rows.map((r) => r[c] as string | number | null))],
    );
    return;
  }
  // One statement per batch, as on PostgreSQL: the rows travel as one JSON array.
  await tx.run(
    `INSERT INTO "Paper" (${columns}, "createdAt", "updatedAt")
     SELECT ${columns
       .split(", ")
       .map((_, c) => `value ->> ${c}`)
       .join(", ")}, ?, ? FROM json_each(?)`,
    [now, now, JSON.stringify(rows)],
  );
}

async function insertPassages(
  sql: SqlClient,
  tx: SqlRunner,
  passages: readonly (PreparedPassage & { paperId: string })[],
) {
  if (passages.length === 0) return;
  if (sql.provider === "postgresql") {
    const ids = await tx.all<{ id: number; paperId: string; position: number }>(
      `INSERT INTO "PaperPassage" ("paperId", "position", "section", "text")
       SELECT * FROM unnest(?::text[], ?::int[], ?::text[], ?::text[])
       RETURNING "id", "paperId", "position"`,
      [
        passages.map((p) => p.paperId),
        passages.map((p) => p.position),
        passages.map((p) => p.section),
        passages.map((p) => p.text),
      ],
    );
    const idOf = new Map(ids.map((r) => [`${r.position}:${r.paperId}`, r.id]));
    await tx.run(
      `INSERT INTO "PaperSearch" ("id", "terms") SELECT i, t::tsvector FROM unnest(?::int[], ?::text[]) AS u(i, t)`,
      [passages.map((p) => idOf.get(`${p.position}:${p.paperId}`)!), passages.map((p) => p.indexed)],
    );
    return;
  }
  // The transaction holds the write lock (BEGIN IMMEDIATE), so the ids after the largest one ever given
  // (AUTOINCREMENT's sqlite_sequence) are this batch's: passages and index rows are written with them, with no
  // RETURNING and no lookup of which id each passage got.
  const [seq] = await tx.all<{ seq: number }>(
    `SELECT max(coalesce((SELECT "seq" FROM sqlite_sequence WHERE "name" = 'PaperPassage'), 0),
            coalesce((SELECT max("id") FROM "PaperPassage"), 0)) AS "seq"`,
  );
  const first = Number(seq?.seq ?? 0) + 1;
  await tx.run(
    `INSERT INTO "PaperPassage" ("id", "paperId", "position", "section", "text")
     SELECT ? + key, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`,
    [first, JSON.stringify(passages.map((p) => [p.paperId, p.position, p.section, p.text]))],
  );
  await tx.run(`INSERT INTO "PaperSearch" (rowid, "terms") SELECT ? + key, value FROM json_each(?)`, [
    first,
    JSON.stringify(passages.map((p) => p.indexed)),
  ]);
}

async function applyTermDeltas(sql: SqlClient, tx: SqlRunner, deltas: TermDeltas) {
  const entries = [...deltas.deltas].filter(([, d]) => d !== 0);
  if (entries.length === 0) return;
  if (sql.provider === "postgresql") {
    // Sorted, so two imports never wait on each other's rows in opposite orders.
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    await tx.run(
      `INSERT INTO "PaperTerm" ("term", "df") SELECT * FROM unnest(?::text[], ?::bigint[])
       ON CONFLICT ("term") DO UPDATE SET "df" = "PaperTerm"."df" + excluded."df"`,
      [entries.map((e) => e[0]), entries.map((e) => e[1])],
    );
    return;
  }
  // "WHERE true" tells SQLite's parser the ON CONFLICT belongs to the INSERT, not to a join.
  await tx.run(
    `INSERT INTO "PaperTerm" ("term", "df") SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true
     ON CONFLICT ("term") DO UPDATE SET "df" = "df" + excluded."df"`,
    [JSON.stringify(entries)],
  );
}

// --- reading ---------------------------------------------------------------------------------------------

export interface CollectionStats {
  passages: number;
  tokens: number;
}

export async function collectionStats(sql: SqlClient): Promise<CollectionStats> {
  const rows = await sql.all<{ term: string; df: number | string }>(
    `SELECT "term", "df" FROM "PaperTerm" WHERE "term" IN (?, ?)`,
    [PASSAGES_KEY, TOKENS_KEY],
  );
  const get = (k: string) => Number(rows.find((r) => r.term === k)?.df ?? 0);
  return { passages: get(PASSAGES_KEY), tokens: get(TOKENS_KEY) };
}

/** Document frequency of each term (0 when absent). */
export async function documentFrequencies(
  sql: SqlClient,
  terms: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map(terms.map((t) => [t, 0]));
  if (terms.length === 0) return out;
  const [where, param] = inList(sql, `"term"`, terms);
  const rows = await sql.all<{ term: string; df: number | string }>(
    `SELECT "term", "df" FROM "PaperTerm" WHERE ${where}`,
    [param],
  );
  for (const r of rows) out.set(r.term, Math.max(0, Number(r.df)));
  return out;
}

/**
 * Candidate passages for the question's chosen terms, at most `limit`:
 * - `ranked`: passages holding any of the terms, best first by the database's own ranking. SQLite: FTS5's
 *   BM25; cost: the sum of the terms' posting lists, which the caller keeps under its budget by choosing rare
 *   terms. PostgreSQL: idf-weighted term coverage, by tiers (`coverageTiers`), only those whose terms weigh
 *   at least `minWeight`.
 * - `pairs`: passages holding at least two of the terms (or the one term, if only one), as the index yields
 *   them, unranked: for questions whose every term is common. The index intersects the posting lists, and
 *   the LIMIT stops the scan early, so the cost stays bounded.
 * Terms are index terms (letters, marks, digits), so they are quoted without escaping.
 */
export async function candidatePassages(
  sql: SqlClient,
  terms: readonly { term: string; idf: number }[],
  limit: number,
  mode: "ranked" | "pairs" = "ranked",
  minWeight = 0,
): Promise<number[]> {
  if (terms.length === 0) return [];
  const pg = sql.provider === "postgresql";
  const quote = (t: string) => (pg ? `'${t}'` : `"${t}"`);
  const [and, or] = pg ? [" & ", " | "] : [" AND ", " OR "];
  if (mode === "pairs") {
    const pairs: string[] = [];
    for (let i = 0; i < terms.length; i++)
      for (let j = i + 1; j < terms.length; j++)
        pairs.push(`(${quote(terms[i].term)}${and}${quote(terms[j].term)})`);
    const query = pairs.length ? pairs.join(or) : quote(terms[0].term);
    const rows = await sql.all<{ id: number }>(
      pg
        ? `SELECT "id" FROM "PaperSearch" WHERE "terms" @@ ?::tsquery LIMIT ?`
        : `SELECT rowid AS "id" FROM "PaperSearch" WHERE "PaperSearch" MATCH ? LIMIT ?`,
      [query, limit],
    );
    return rows.map((r) => r.id);
  }
  if (pg) return coverageTiers(sql, terms, limit, minWeight);
  const query = terms.map((t) => quote(t.term)).join(or);
  const rows = await sql.all<{ id: number }>(
    `SELECT rowid AS "id" FROM "PaperSearch" WHERE "PaperSearch" MATCH ? ORDER BY bm25("PaperSearch") LIMIT ?`,
    [query, limit],
  );
  return rows.map((r) => r.id);
}

/** Terms of the question whose every combination is a tier (2^5 - 1 = 31 tiers at most). */
const TIER_TERMS = 5;

/**
 * PostgreSQL's ranked candidates, without reading every matching row: a passage's idf-weighted coverage
 * depends only on which of the terms it holds, so the passages are taken tier by tier, each tier one exact
 * combination of the (at most five rarest) terms (`'a' & 'b' & !'c'`), heaviest combination first, until
 * `limit` are found. The GIN index intersects the posting lists of a tier's terms, so a tier reads only the
 * rows holding all of them; ranking every row holding any term (ORDER BY coverage) read up to the whole
 * posting budget of table rows, one random heap page each, per question. Same order of coverage; within a
 * tier, the table's order. Tiers lighter than `minWeight` are not read (the caller's relevance floor would
 * reject all their passages).
 */
async function coverageTiers(
  sql: SqlClient,
  terms: readonly { term: string; idf: number }[],
  limit: number,
  minWeight: number,
): Promise<number[]> {
  const tiered = terms.slice(0, TIER_TERMS);
  // A passage may hold the terms beyond the tiered ones too: a tier is skipped only if even they would not lift it.
  const least = minWeight - terms.slice(TIER_TERMS).reduce((s, t) => s + t.idf, 0);
  const combos: { mask: number; weight: number }[] = [];
  for (let mask = 1; mask < 1 << tiered.length; mask++) {
    let weight = 0;
    tiered.forEach((t, i) => {
      if (mask & (1 << i)) weight += t.idf;
    });
    if (weight >= least) combos.push({ mask, weight });
  }
  combos.sort((a, b) => b.weight - a.weight || a.mask - b.mask);
  const ids: number[] = [];
  for (const { mask } of combos) {
    const query = tiered.map((t, i) => `${mask & (1 << i) ? "" : "!"}'${t.term}'`).join(" & ");
    const rows = await sql.all<{ id: number }>(
      `SELECT "id" FROM "PaperSearch" WHERE "terms" @@ ?::tsquery LIMIT ?`,
      [query, limit - ids.length],
    );
    for (const r of rows) ids.push(r.id);
    if (ids.length >= limit) break;
  }
  return ids;
}

export interface StoredPassage {
  id: number;
  paperId: string;
  position: number;
  section: "abstract" | "body";
  text: string;
  title: string;
  authors: string;
  year: number;
  venue: string | null;
  url: string | null;
  arxivId: string | null;
  doi: string | null;
}

export async function passagesById(sql: SqlClient, ids: readonly number[]): Promise<StoredPassage[]> {
  if (ids.length === 0) return [];
  const [where, param] = inList(sql, `pp."id"`, ids);
  return sql.all<StoredPassage>(
    `SELECT pp."id", pp."paperId", pp."position", pp."section", pp."text", p."title", p."authors", p."year",
            p."venue", p."url", p."arxivId", p."doi"
     FROM "PaperPassage" pp JOIN "Paper" p ON p."id" = pp."paperId" WHERE ${where}`,
    [param],
  );
}

/**
 * Builds the index rows and statistics of passages stored without them: the papers an earlier version kept
 * (the migration that introduced the index moved their text into PaperPassage). Does nothing once the
 * statistics exist; such collections were small (the earlier version held them in memory), so it runs in
 * one transaction. Returns how many passages it indexed.
 */
export async function indexUnindexedPassages(sql: SqlClient): Promise<number> {
  return sql.transaction(async (tx) => {
    const [stats] = await tx.all<{ n: number | string }>(
      `SELECT count(*) AS "n" FROM "PaperTerm" WHERE "term" = ?`,
      [PASSAGES_KEY],
    );
    if (Number(stats?.n ?? 0) > 0) return 0;
    const rows = await tx.all<{ id: number; text: string; title: string }>(
      `SELECT pp."id", pp."text", p."title" FROM "PaperPassage" pp JOIN "Paper" p ON p."id" = pp."paperId" ORDER BY pp."id"`,
    );
    const deltas = new TermDeltas();
    for (const p of rows) {
      const terms = indexTerms(p.title, p.text);
      deltas.addTerms(terms, 1);
      if (sql.provider === "postgresql")
        await tx.run(`INSERT INTO "PaperSearch" ("id", "terms") VALUES (?, ?::tsvector)`, [
          p.id,
          tsvectorLiteral(terms),
        ]);
      else await tx.run(`INSERT INTO "PaperSearch" (rowid, "terms") VALUES (?, ?)`, [p.id, terms.join(" ")]);
    }
    await applyTermDeltas(sql, tx, deltas);
    return rows.length;
  });
}
