/**
 * Evaluation datasets: SciArena-Eval files (a JSON array or JSONL) parsed with line-numbered errors and
 * imported in one transaction, or slices of the arena's votes copied from an export. Takes the database
 * explicitly (testable).
 */
import { z } from "zod";
import type { Db } from "../db/create";
import { countMismatch, type ExportEnd, ExportEndError, MISSING_END, parseEndObject } from "../export/end";
import type { SciArenaEvalRecord } from "../export/record";

/** Largest file accepted (bytes) and most records per dataset. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_DATASET_ITEMS = 100_000;
const MAX_ERRORS = 10;

export class DatasetImportError extends Error {
  readonly status = 400;
  constructor(readonly errors: string[]) {
    super(`The file was not imported: ${errors.join("; ")}`);
    this.name = "DatasetImportError";
  }
}

const VOTES: Record<string, EvalItemInput["vote"]> = {
  a: "A",
  b: "B",
  model_a: "A",
  model_b: "B",
  tie: "tie",
  bothbad: "bothbad",
  "both bad": "bothbad",
  both_bad: "bothbad",
  "tie (bothbad)": "bothbad",
  bad: "bothbad",
};

const citation = z.object({ concise_authors: z.string().max(2000), content: z.string().max(100_000) });

/** A nested field may come as JSON or as a JSON string (as in our CSV). */
const jsonish = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }, schema);

const text = (max: number) =>
  z.string({ message: "must be a string" }).max(max, `is longer than ${max} characters`);

export const evalRecordSchema = z.object({
  id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  question: text(20_000).min(1, "is empty"),
  responseA: text(100_000),
  responseB: text(100_000),
  modelA: text(200),
  modelB: text(200),
  vote: z.string({ message: "must be A, B, tie or bothbad" }).transform((v, ctx) => {
    const mapped = VOTES[v.trim().toLowerCase()];
    if (!mapped) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not A, B, tie or bothbad` });
      return z.NEVER;
    }
    return mapped;
  }),
  citation_a: jsonish(z.array(citation).max(200)).optional().default([]),
  citation_b: jsonish(z.array(citation).max(200)).optional().default([]),
  question_type: text(200).optional().default(""),
  subject: text(200).optional().default(""),
  paper_bank: jsonish(z.array(z.unknown()).max(1000)).optional().default([]),
  tstamp: z.coerce.number().optional(),
});

export interface EvalItemInput {
  externalId: string;
  question: string;
  responseA: string;
  responseB: string;
  modelA: string;
  modelB: string;
  vote: "A" | "B" | "tie" | "bothbad";
  citationA: string;
  citationB: string;
  questionType: string;
  subject: string;
  paperBank: string;
  tstamp: number | null;
}

export function toItemInput(r: z.infer<typeof evalRecordSchema> | SciArenaEvalRecord): EvalItemInput {
  return {
    externalId: r.id,
    question: r.question,
    responseA: r.responseA,
    responseB: r.responseB,
    modelA: r.modelA,
    modelB: r.modelB,
    vote: r.vote,
    citationA: JSON.stringify(r.citation_a),
    citationB: JSON.stringify(r.citation_b),
    questionType: r.question_type,
    subject: r.subject,
    paperBank: JSON.stringify(r.paper_bank),
    tstamp: r.tstamp ?? null,
  };
}

/** Line (1-based) of each top-level element of a JSON array text, found by scanning brackets and strings. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      if (depth === 1) lines.push(line);
    } else if (c === "{" || c === "[") {
      if (depth === 1) lines.push(line);
      depth++;
    } else if (c === "}" || c === "]") depth--;
    else if (depth === 1 && /[-0-9tfn]/.test(c) && !/[-0-9.eE+a-z]/.test(text[i - 1] ?? "")) lines.push(line);
  }
  return lines;
}

function lineOfPosition(text: string, message: string): string {
  const pos = /position (\d+)/.exec(message)?.[1];
  if (!pos) return "";
  const line = text.slice(0, Number(pos)).split("\n").length;
  return `line ${line}: `;
}

function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.join(".");
  if (issue.code === "invalid_type" && issue.input === undefined) return `${field} is missing`;
  return field ? `${field} ${issue.message}` : issue.message;
}

/**
 * Parses a SciArena-Eval file: a JSON array of records, or one record per line (JSONL; blank lines skipped).
 * A JSONL export of this app ends with `{"_end":true,"count":N}` (lib/export/end.ts): N is checked against the
 * records above it, and with `requireEnd` a file without that line is refused as cut short.
 * Throws DatasetImportError naming the lines (at most 10 errors).
 */
export function parseEvalFile(text: string, opts: { requireEnd?: boolean } = {}): EvalItemInput[] {
  if (Buffer.byteLength(text) > MAX_IMPORT_BYTES)
    throw new DatasetImportError([`the file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB`]);
  const body = text.replace(/^\uFEFF/, "");
  const entries: { line: number; value: unknown }[] = [];
  const errors: string[] = [];
  if (body.trimStart().startsWith("[")) {
    let values: unknown[];
    try {
      values = JSON.parse(body) as unknown[];
    } catch (e) {
      throw new DatasetImportError([
        `${lineOfPosition(body, (e as Error).message)}not valid JSON (${(e as Error).message})`,
      ]);
    }
    const lines = elementLines(body);
    values.forEach((value, i) => {
      entries.push({ line: lines[i] ?? 1, value });
    });
  } else {
    const lines = body.split("\n");
    let end: ExportEnd | null = null;
    for (let i = 0; i < lines.length && errors.length < MAX_ERRORS; i++) {
      const raw = lines[i].trim();
      if (raw === "") continue;
      if (end) {
        errors.push(`line ${i + 1}: comes after the end line`);
        break;
      }
      try {
        end = parseEndObject(raw);
        if (end) {
          if (end.count !== entries.length) throw countMismatch(end, entries.length);
          continue;
        }
      } catch (e) {
        if (!(e instanceof ExportEndError)) throw e;
        errors.push(`line ${i + 1}: ${e.message}`);
        break;
      }
      try {
        entries.push({ line: i + 1, value: JSON.parse(raw) });
      } catch {
        errors.push(
          i === lines.length - 1
            ? `line ${i + 1}: not valid JSON (the file ends in the middle of it: cut short?)`
            : `line ${i + 1}: not valid JSON`,
        );
      }
    }
    if (!end && opts.requireEnd && errors.length === 0) errors.push(MISSING_END);
  }
  if (entries.length > MAX_DATASET_ITEMS)
    errors.unshift(`the file has ${entries.length} records; at most ${MAX_DATASET_ITEMS} are allowed`);
  const items: EvalItemInput[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of entries) {
    if (errors.length >= MAX_ERRORS) break;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      errors.push(`line ${line}: a record must be a JSON object`);
      continue;
    }
    const parsed = evalRecordSchema.safeParse(value);
    if (!parsed.success) {
      errors.push(`line ${line}: ${parsed.error.issues.slice(0, 3).map(describe).join(", ")}`);
      continue;
    }
    const prev = seen.get(parsed.data.id);
    if (prev !== undefined) {
      errors.push(`line ${line}: id "${parsed.data.id}" repeats the record on line ${prev}`);
      continue;
    }
    seen.set(parsed.data.id, line);
    items.push(toItemInput(parsed.data));
  }
  if (errors.length) throw new DatasetImportError(errors.slice(0, MAX_ERRORS));
  if (items.length === 0) throw new DatasetImportError(["the file holds no records"]);
  return items;
}

const datasetName = z.string().trim().min(1, "Give the dataset a name").max(120, "At most 120 characters");

export { datasetName as datasetNameSchema };

/** Creates a dataset with its items in one transaction: an import is complete or absent. */
export async function createDataset(
  db: Db,
  input: {
    name: string;
    source: "import" | "export";
    origin: object;
    items: EvalItemInput[];
    createdById?: string;
  },
): Promise<{ id: string; itemCount: number }> {
  return db.$transaction(
    async (tx) => {
      const ds = await tx.evalDataset.create({
        data: {
          name: input.name,
          source: input.source,
          origin: JSON.stringify(input.origin),
          itemCount: input.items.length,
          createdById: input.createdById ?? null,
        },
        select: { id: true },
      });
      for (let i = 0; i < input.items.length; i += 500) {
        await tx.evalItem.createMany({
          data: input.items.slice(i, i + 500).map((it, k) => ({ ...it, datasetId: ds.id, position: i + k })),
        });
      }
      return { id: ds.id, itemCount: input.items.length };
    },
    { timeout: 600_000 },
  );
}

/** Copies an export slice (records page by page) into a new dataset; at most MAX_DATASET_ITEMS records. */
export async function datasetFromRecords(
  db: Db,
  input: { name: string; filters: object; pages: AsyncIterable<SciArenaEvalRecord[]>; createdById?: string },
): Promise<{ id: string; itemCount: number }> {
  const items: EvalItemInput[] = [];
  for await (const page of input.pages) {
    for (const r of page) items.push(toItemInput(r));
    if (items.length > MAX_DATASET_ITEMS)
      throw new DatasetImportError([
        `the slice has more than ${MAX_DATASET_ITEMS} votes; narrow the filters (dates, subjects, models)`,
      ]);
  }
  if (items.length === 0) throw new DatasetImportError(["no votes match these filters"]);
  return createDataset(db, {
    name: input.name,
    source: "export",
    origin: { filters: input.filters },
    items,
    createdById: input.createdById,
  });
}

export async function listDatasets(db: Db) {
  return db.evalDataset.findMany({
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, name: true, source: true, origin: true, itemCount: true, createdAt: true },
  });
}
