/**
 * Paper records and the three import formats, validated with zod:
 *
 * - `jsonl`: this app's records, one per line: `{id?, title, authors[], year, venue?, url?, doi?, arxivId?,
 *   categories?, abstract, text?}` (Semantic Scholar / peS2o shapes: numeric ids, `{name}` authors);
 * - `arxiv`: arXiv's metadata snapshot (the JSON-lines dump: `id`, `title`, `authors` and `authors_parsed`,
 *   `abstract`, `categories`, `versions`, `update_date`, `doi`, `journal-ref`, ...);
 * - `openalex`: OpenAlex works (`id`, `doi`, `title`, `publication_year`, `authorships`,
 *   `abstract_inverted_index`, `primary_location`, `locations`, `ids`, `concepts`/`topics`).
 *
 * Every record becomes a `Paper`; identifiers are normalised (arXiv ids without version, DOIs lower case
 * without resolver) so the same paper from two sources is recognised. LaTeX in titles and abstracts is
 * kept as written, for the renderer.
 */
import { z } from "zod";
import type { PaperMeta } from "./search";
import { collapseWhitespace } from "./tokenize";

export type PaperFormat = "jsonl" | "arxiv" | "openalex";
export const PAPER_FORMATS: readonly PaperFormat[] = ["jsonl", "arxiv", "openalex"];

/** A validated paper: the metadata a citation shows, and what is searched. */
export interface Paper extends PaperMeta {
  /** Space-separated subject categories. */
  categories?: string;
  abstract: string;
  /** Full body text, when available (split into body passages). */
  text?: string;
}

export class PaperImportError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "PaperImportError";
  }
}

const NEW_ARXIV = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const OLD_ARXIV = /^([a-z][a-z-]*(?:\.[a-z]{2})?\/\d{7})(v\d+)?$/i;

/** "arXiv:2401.01234v2" -> "2401.01234"; undefined for anything that is not an arXiv identifier. */
export function normalizeArxivId(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const s = raw.trim().replace(/^arxiv:/i, "");
  const m = NEW_ARXIV.exec(s) ?? OLD_ARXIV.exec(s);
  return m ? (m[1].includes("/") ? m[1].toLowerCase() : m[1]) : undefined;
}

/** "https://doi.org/10.1103/PhysRevD.76.013009" -> "10.1103/physrevd.76.013009" (DOIs are case-insensitive). */
export function normalizeDoi(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const s = raw
    .trim()
    .replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, "")
    .split(/\s+/)[0]
    .toLowerCase();
  return /^10\.\d{4,9}\/\S+$/.test(s) ? s : undefined;
}

/** The link a citation of this paper opens: arXiv's abstract page, else the DOI, else the given URL. */
export function paperLink(p: {
  arxivId?: string | null;
  doi?: string | null;
  url?: string | null;
}): string | undefined {
  if (p.arxivId) return `https://arxiv.org/abs/${p.arxivId}`;
  if (p.doi) return `https://doi.org/${p.doi}`;
  return p.url ?? undefined;
}

const text = (max: number, what: string) =>
  z
    .string()
    .transform((s) => collapseWhitespace(s).trim())
    .pipe(
      z.string().min(1, `${what} must not be empty`).max(max, `${what} is longer than ${max} characters`),
    );

/** Authors may come as names or as `{ name }` objects (Semantic Scholar's API shape). */
const authorSchema = z.union([
  z.string().trim().min(1, "author names must not be empty").max(500),
  z
    .object({ name: z.string().trim().min(1, "author names must not be empty").max(500) })
    .transform((a) => a.name),
]);

const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

export const paperSchema = z
  .object({
    /** Stable id; numbers (e.g. S2 corpus ids) are kept as their decimal string. Optional given a DOI or arXiv id. */
    id: z
      .union([z.string().trim().min(1, "id must not be empty").max(200), z.number().int().nonnegative()])
      .transform(String)
      .optional(),
    title: text(2_000, "title"),
    authors: z.array(authorSchema).max(5_000),
    year: z.number().int().min(1500).max(2100),
    venue: optionalText,
    url: z
      .url()
      .nullish()
      .transform((v) => v ?? undefined),
    doi: z
      .string()
      .nullish()
      .refine((v) => v == null || normalizeDoi(v) !== undefined, "not a DOI (10.prefix/suffix)")
      .transform((v) => normalizeDoi(v)),
    arxivId: z
      .string()
      .nullish()
      .refine((v) => v == null || normalizeArxivId(v) !== undefined, "not an arXiv identifier")
      .transform((v) => normalizeArxivId(v)),
    categories: optionalText,
    abstract: z.string().trim().min(1, "abstract must not be empty").max(100_000),
    text: z
      .string()
      .max(5_000_000)
      .nullish()
      .transform((v) => (v?.trim() ? v : undefined)),
  })
  .refine((p) => p.id !== undefined || p.doi !== undefined || p.arxivId !== undefined, {
    message: "a paper needs an id, a doi or an arxivId",
    path: ["id"],
  });

export type PaperInput = z.input<typeof paperSchema>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

function withoutUndefined(p: Paper): Paper {
  for (const k of Object.keys(p) as (keyof Paper)[]) if (p[k] === undefined) delete p[k];
  return p;
}

/** Validates one record of this app's format; throws PaperImportError naming `line` (1-based) and the fields. */
export function parsePaper(record: unknown, line: number): Paper {
  const result = paperSchema.safeParse(record);
  if (!result.success) throw new PaperImportError(line, describeIssues(result.error));
  const { id, ...rest } = result.data;
  return withoutUndefined({ ...rest, id: id ?? rest.arxivId ?? `doi:${rest.doi}` });
}

// --- arXiv metadata snapshot -----------------------------------------------------------------------------

export const arxivSchema = z.object({
  id: z.string().refine((v) => normalizeArxivId(v) !== undefined, "not an arXiv identifier"),
  title: text(2_000, "title"),
  authors: z.string().max(100_000).nullish(),
  authors_parsed: z.array(z.array(z.string().nullable())).max(5_000).nullish(),
  abstract: text(100_000, "abstract"),
  categories: optionalText,
  doi: z.string().nullish(),
  "journal-ref": z.string().nullish(),
  versions: z.array(z.object({ created: z.string().nullish() }).loose()).nullish(),
  update_date: z.string().nullish(),
});

/** "[["Balázs","C.",""],["Yuan","C. -P.","Jr"]]" -> ["C. Balázs", "C. -P. Yuan Jr"]; else the `authors` string split. */
function arxivAuthors(
  parsed: (string | null)[][] | null | undefined,
  raw: string | null | undefined,
): string[] {
  if (parsed?.length) {
    return parsed
      .map(([last, first, suffix]) =>
        [first, last, suffix]
          .filter((x) => x?.trim())
          .join(" ")
          .trim(),
      )
      .filter(Boolean);
  }
  if (!raw) return [];
  return collapseWhitespace(raw)
    .split(/,\s*|\s+and\s+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** Year of the first version; else from the identifier (YYMM.NNNNN, or archive/YYMMNNN); else update_date. */
function arxivYear(
  id: string,
  versions: { created?: string | null }[] | null | undefined,
  updated?: string | null,
) {
  const first = versions?.[0]?.created ? Date.parse(versions[0].created) : Number.NaN;
  if (!Number.isNaN(first)) return new Date(first).getUTCFullYear();
  const yy = /^(\d{2})\d{2}\./.exec(id)?.[1] ?? /\/(\d{2})\d{5}$/.exec(id)?.[1];
  if (yy) return Number(yy) >= 91 ? 1900 + Number(yy) : 2000 + Number(yy);
  const y = updated ? Number(updated.slice(0, 4)) : Number.NaN;
  return Number.isInteger(y) ? y : undefined;
}

type ArxivRecord = z.output<typeof arxivSchema>;

const isNullishString = (v: unknown, max = Number.POSITIVE_INFINITY) =>
  v == null || (typeof v === "string" && v.length <= max);

/** `text(max)` of the schema: whitespace runs made one space, trimmed; null if that fails the schema. */
function collapsedText(v: unknown, max: number): string | null {
  if (typeof v !== "string") return null;
  const s = collapseWhitespace(v).trim();
  return s.length >= 1 && s.length <= max ? s : null;
}

/**
 * `arxivSchema`'s checks and transforms written out by hand, for the import's hot path (zod took about a
 * tenth of the reading thread's time per abstract). It accepts only records the schema accepts and returns
 * what the schema would; anything else (a bad record, or a rare valid shape it does not know) returns null
 * and goes through the schema, which names what is wrong. retrieval.test.ts checks the two agree.
 */
export function checkArxivRecordFast(record: unknown): ArxivRecord | null {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return null;
  const o = record as Record<string, unknown>;
  const { id, authors, authors_parsed, categories, doi, versions, update_date } = o;
  const journalRef = o["journal-ref"];
  if (typeof id !== "string" || normalizeArxivId(id) === undefined) return null;
  const title = collapsedText(o.title, 2_000);
  const abstract = collapsedText(o.abstract, 100_000);
  if (title === null || abstract === null) return null;
  if (!isNullishString(authors, 100_000) || !isNullishString(categories) || !isNullishString(doi))
    return null;
  if (!isNullishString(journalRef) || !isNullishString(update_date)) return null;
  if (authors_parsed != null) {
    if (!Array.isArray(authors_parsed) || authors_parsed.length > 5_000) return null;
    for (const a of authors_parsed) {
      if (!Array.isArray(a)) return null;
      for (const x of a) if (x !== null && typeof x !== "string") return null;
    }
  }
  if (versions != null) {
    if (!Array.isArray(versions)) return null;
    for (const v of versions) {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
      if (!isNullishString((v as { created?: unknown }).created)) return null;
    }
  }
  return {
    id,
    title,
    abstract,
    authors: authors as string | null | undefined,
    authors_parsed: authors_parsed as (string | null)[][] | null | undefined,
    categories: typeof categories === "string" && categories.trim() ? categories.trim() : undefined,
    doi: doi as string | null | undefined,
    "journal-ref": journalRef as string | null | undefined,
    versions: versions as { created?: string | null }[] | null | undefined,
    update_date: update_date as string | null | undefined,
  };
}

export function parseArxivRecord(record: unknown, line: number): Paper {
  let r = checkArxivRecordFast(record);
  if (r === null) {
    const result = arxivSchema.safeParse(record);
    if (!result.success) throw new PaperImportError(line, describeIssues(result.error));
    r = result.data;
  }
  const arxivId = normalizeArxivId(r.id)!;
  const year = arxivYear(arxivId, r.versions, r.update_date);
  if (year === undefined)
    throw new PaperImportError(line, "no year: versions, id and update_date all lack one");
  return withoutUndefined({
    id: arxivId,
    arxivId,
    doi: normalizeDoi(r.doi),
    title: r.title,
    authors: arxivAuthors(r.authors_parsed, r.authors),
    year,
    venue: (r["journal-ref"] ? collapseWhitespace(r["journal-ref"]).trim() : "") || "arXiv",
    categories: r.categories,
    abstract: r.abstract,
  });
}

// --- OpenAlex works --------------------------------------------------------------------------------------

const openAlexSchema = z.object({
  id: z.string().min(1, "id must not be empty"),
  doi: z.string().nullish(),
  title: z.string().nullish(),
  display_name: z.string().nullish(),
  publication_year: z.number().int().min(1500).max(2100).nullish(),
  authorships: z
    .array(z.object({ author: z.object({ display_name: z.string().nullish() }).loose().nullish() }).loose())
    .max(10_000)
    .nullish(),
  abstract_inverted_index: z.record(z.string(), z.array(z.number().int().nonnegative())).nullish(),
  primary_location: z
    .object({
      landing_page_url: z.string().nullish(),
      source: z.object({ display_name: z.string().nullish() }).loose().nullish(),
    })
    .loose()
    .nullish(),
  locations: z
    .array(z.object({ landing_page_url: z.string().nullish(), pdf_url: z.string().nullish() }).loose())
    .nullish(),
  ids: z.object({ doi: z.string().nullish() }).loose().nullish(),
  concepts: z.array(z.object({ display_name: z.string().nullish() }).loose()).nullish(),
  topics: z.array(z.object({ display_name: z.string().nullish() }).loose()).nullish(),
});

/** Most words an abstract is rebuilt from: the inverted index is untrusted input. */
const MAX_ABSTRACT_WORDS = 20_000;

/** OpenAlex ships abstracts as {word: [positions]}: put each word back at its positions. */
export function abstractFromInvertedIndex(index: Record<string, number[]>): string {
  const placed: [number, string][] = [];
  for (const [word, positions] of Object.entries(index)) {
    for (const p of positions) {
      placed.push([p, word]);
      if (placed.length > MAX_ABSTRACT_WORDS)
        throw new Error(`abstract_inverted_index: over ${MAX_ABSTRACT_WORDS} words`);
    }
  }
  placed.sort((a, b) => a[0] - b[0]);
  return placed.map(([, w]) => w).join(" ");
}

const ARXIV_URL = /arxiv\.org\/(?:abs|pdf)\/([^?#\s]+?)(?:\.pdf)?(?:[?#]|$)/i;

export function parseOpenAlexRecord(record: unknown, line: number): Paper {
  const result = openAlexSchema.safeParse(record);
  if (!result.success) throw new PaperImportError(line, describeIssues(result.error));
  const r = result.data;
  const title = collapseWhitespace(r.title ?? r.display_name ?? "").trim();
  if (!title) throw new PaperImportError(line, "title: the work has no title");
  if (!r.abstract_inverted_index)
    throw new PaperImportError(line, "abstract_inverted_index: the work has no abstract");
  let abstract: string;
  try {
    abstract = abstractFromInvertedIndex(r.abstract_inverted_index).trim();
  } catch (e) {
    throw new PaperImportError(line, (e as Error).message);
  }
  if (!abstract) throw new PaperImportError(line, "abstract_inverted_index: the abstract is empty");
  if (r.publication_year == null) throw new PaperImportError(line, "publication_year: missing");
  const doi = normalizeDoi(r.doi ?? r.ids?.doi);
  let arxivId = doi?.startsWith("10.48550/arxiv.")
    ? normalizeArxivId(doi.slice("10.48550/arxiv.".length))
    : undefined;
  for (const loc of [r.primary_location, ...(r.locations ?? [])]) {
    if (arxivId) break;
    for (const u of [
      loc?.landing_page_url,
      (loc as { pdf_url?: string | null } | null | undefined)?.pdf_url,
    ]) {
      const m = u ? ARXIV_URL.exec(u) : null;
      if (m) arxivId = normalizeArxivId(m[1]);
      if (arxivId) break;
    }
  }
  const landing = r.primary_location?.landing_page_url;
  const subjects = (r.topics?.length ? r.topics : (r.concepts ?? []))
    .map((c) => c.display_name?.trim())
    .filter(Boolean)
    .slice(0, 5);
  return withoutUndefined({
    id: r.id.replace(/^https?:\/\/openalex\.org\//i, ""),
    arxivId,
    doi,
    title,
    authors: (r.authorships ?? []).map((a) => a.author?.display_name?.trim() ?? "").filter(Boolean),
    year: r.publication_year,
    venue: r.primary_location?.source?.display_name?.trim() || undefined,
    url: landing && /^https?:\/\//i.test(landing) ? landing : undefined,
    categories: subjects.length ? subjects.join("; ") : undefined,
    abstract,
  });
}

/** The parser of a format: a decoded JSON value and its line -> a Paper, or PaperImportError. */
export function recordParser(format: PaperFormat): (record: unknown, line: number) => Paper {
  return format === "arxiv" ? parseArxivRecord : format === "openalex" ? parseOpenAlexRecord : parsePaper;
}

/**
 * Parses papers JSONL of this app's format held in memory (one record per line; blank lines skipped).
 * Throws PaperImportError naming the first bad line: invalid JSON, a field that fails validation, or an id
 * seen before. Time: O(size). Files of any size stream through lib/retrieval/import.ts instead.
 */
export function parsePapersJsonl(input: string): Paper[] {
  const papers: Paper[] = [];
  const seen = new Map<string, number>();
  const lines = input.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (e) {
      throw new PaperImportError(i + 1, `invalid JSON (${(e as Error).message})`);
    }
    const paper = parsePaper(record, i + 1);
    const first = seen.get(paper.id);
    if (first !== undefined)
      throw new PaperImportError(i + 1, `duplicate id ${JSON.stringify(paper.id)} (first on line ${first})`);
    seen.set(paper.id, i + 1);
    papers.push(paper);
  }
  return papers;
}
