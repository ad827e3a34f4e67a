/**
 * Paper records (the shape of Semantic Scholar / peS2o records) and their JSONL import, validated with zod.
 */
import { z } from "zod";

/** Authors may come as names or as `{ name }` objects (Semantic Scholar's API shape). */
const authorSchema = z.union([
  z.string().trim().min(1, "author names must not be empty"),
  z.object({ name: z.string().trim().min(1, "author names must not be empty") }).transform((a) => a.name),
]);

export const paperSchema = z.object({
  /** Stable id; numbers (e.g. S2 corpus ids) are kept as their decimal string. */
  id: z
    .union([z.string().trim().min(1, "id must not be empty"), z.number().int().nonnegative()])
    .transform(String),
  title: z.string().trim().min(1, "title must not be empty"),
  authors: z.array(authorSchema),
  year: z.number().int().min(1500).max(2100),
  venue: z
    .string()
    .nullish()
    .transform((v) => (v ? v : undefined)),
  url: z
    .url()
    .nullish()
    .transform((v) => v ?? undefined),
  abstract: z.string().trim().min(1, "abstract must not be empty"),
  text: z
    .string()
    .nullish()
    .transform((v) => (v?.trim() ? v : undefined)),
});

export type PaperInput = z.input<typeof paperSchema>;

/** A validated paper (what `paperSchema` produces). */
export interface Paper {
  id: string;
  title: string;
  authors: string[];
  year: number;
  venue?: string;
  url?: string;
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

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

/** Validates one record; throws PaperImportError naming `line` (1-based) and the fields at fault. */
export function parsePaper(record: unknown, line: number): Paper {
  const result = paperSchema.safeParse(record);
  if (!result.success) throw new PaperImportError(line, describeIssues(result.error));
  return result.data;
}

/**
 * Parses papers JSONL (one record per line; blank lines skipped). Throws PaperImportError naming the first
 * bad line: invalid JSON, a field that fails validation, or an id seen before. Time: O(size).
 */
export function parsePapersJsonl(text: string): Paper[] {
  const papers: Paper[] = [];
  const seen = new Map<string, number>();
  const lines = text.split("\n");
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
