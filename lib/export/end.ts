/**
 * The end line of an export, so a download cut short is detectable from the file alone. Pure (no Node
 * APIs): the ratings CLI, the dataset import and the browser's download all check it.
 *
 * - JSONL and Chatbot Arena battle JSONL end with the line `{"_end":true,"count":N}`, N the records above it.
 * - CSV ends with the line `#_end count=N` (N data rows, the header not counted): one field, no quotes, so any
 *   CSV reader takes it as a one-field row. Fields holding a `#` are quoted, so
 *   `pandas.read_csv(f, comment="#")` skips exactly that line.
 * - Parquet needs none: a file without its closing footer does not open.
 *
 * A file with no end line is a foreign file (Chatbot Arena's or SciArena-Eval's own) or one cut short;
 * readers refuse it when told to expect the line (`requireEnd`), which they are for files named the way
 * this app names its exports (`exportFileName`).
 */

/** The parsed end line. */
export interface ExportEnd {
  count: number;
}

export class ExportEndError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportEndError";
  }
}

/** The text formats that carry an end line. */
export type EndLineFormat = "jsonl" | "csv" | "arena";

/** `{"_end":true,"count":N}` (CSV: `#_end count=N`) and its line break. */
export function endLine(format: EndLineFormat, count: number): string {
  return format === "csv" ? `#_end count=${count}\r\n` : `${JSON.stringify({ _end: true, count })}\n`;
}

/** What a reader says when a file ends without its end line. */
export const MISSING_END =
  "the file ends without the export's end line (" +
  '{"_end":true,"count":N}, in CSV #_end count=N): the download was cut short; download the export again';

/** "sciarena-eval-2026-11-26.jsonl", ".csv", ".battles.jsonl" (with an optional " (1)" a browser adds). */
export function looksLikeExportName(name: string): boolean {
  const base = name.split(/[\\/]/).pop() ?? name;
  return /^sciarena-eval-\d{4}-\d{2}-\d{2}( ?\(\d+\))?\.(jsonl|csv|battles\.jsonl)$/.test(base);
}

/**
 * The end line's object if `line` (one JSONL line, or a CSV line without the `#`) is one, else null. A line
 * that starts like one (`{"_end"`) but is malformed throws, so a damaged end line is not read as a record.
 */
export function parseEndObject(line: string): ExportEnd | null {
  const t = line.trim();
  if (!/^\{\s*"_end"\s*:/.test(t)) return null;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    throw new ExportEndError("the end line is damaged (not valid JSON)");
  }
  const o = v as { _end?: unknown; count?: unknown };
  if (o._end !== true || typeof o.count !== "number" || !Number.isSafeInteger(o.count) || o.count < 0)
    throw new ExportEndError('the end line must be {"_end":true,"count":N} with N a whole number');
  return { count: o.count };
}

/** The CSV end line's count if `line` is one (`#_end count=N`), else null; a damaged one throws. */
export function parseCsvEndLine(line: string): ExportEnd | null {
  const t = line.trim();
  if (!t.startsWith("#_end")) return null;
  const m = /^#_end count=(\d{1,15})$/.exec(t);
  if (!m) throw new ExportEndError("the end line must be #_end count=N with N a whole number");
  return { count: Number(m[1]) };
}

/** The error for an end line whose count is not the records read. */
export function countMismatch(end: ExportEnd, records: number): ExportEndError {
  return new ExportEndError(
    `the end line says ${end.count} records but the file holds ${records}: the file is damaged; download the export again`,
  );
}

const NL = 10;
const CR = 13;
const QUOTE = 34;
const HASH = 35;
const SPACE = 32;
const TAB = 9;
/** End lines are short; a longer line is a record. */
const MAX_END_LINE = 128;
const decoder = new TextDecoder();

/**
 * Checks an export as its bytes arrive (memory: one short line), then `finish` returns the end line's
 * count or throws `ExportEndError` saying how the file is damaged: cut mid-line, no end line, a count that
 * is not the records read, or anything after the end line. CSV records are counted outside quotes, so a
 * field with a line break is one record.
 */
export class ExportEndChecker {
  private records = 0;
  private lines = 0;
  private inQuotes = false;
  private lineLen = 0;
  private lineBlank = true;
  private head = new Uint8Array(MAX_END_LINE);
  private end: ExportEnd | null = null;
  private endLine = 0;

  constructor(private readonly format: EndLineFormat) {}

  push(bytes: Uint8Array): void {
    const csv = this.format === "csv";
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (csv && b === QUOTE) this.inQuotes = !this.inQuotes;
      if (b === NL && !this.inQuotes) {
        this.closeLine();
        continue;
      }
      if (this.lineLen < MAX_END_LINE) this.head[this.lineLen] = b;
      this.lineLen++;
      if (b !== SPACE && b !== TAB && b !== CR) this.lineBlank = false;
    }
  }

  private closeLine(): void {
    this.lines++;
    const len = this.lineLen;
    const blank = this.lineBlank;
    this.lineLen = 0;
    this.lineBlank = true;
    if (blank) return;
    if (this.end) throw new ExportEndError(`line ${this.lines} comes after the end line`);
    const csv = this.format === "csv";
    if (len <= MAX_END_LINE && (!csv || this.head[0] === HASH)) {
      const text = decoder.decode(this.head.subarray(0, len));
      const end = csv ? parseCsvEndLine(text) : parseEndObject(text);
      if (end) {
        this.end = end;
        this.endLine = this.lines;
        return;
      }
    }
    this.records++;
  }

  /** The records before the end line (CSV: data rows, without the header). Throws if the file is damaged. */
  finish(): ExportEnd {
    if (this.lineLen > 0 && !this.lineBlank) {
      if (this.end) throw new ExportEndError(`line ${this.lines + 1} comes after the end line`);
      throw new ExportEndError(
        `the file ends in the middle of line ${this.lines + 1}: the download was cut short; download the export again`,
      );
    }
    if (!this.end) throw new ExportEndError(MISSING_END);
    const records = this.format === "csv" ? Math.max(0, this.records - 1) : this.records;
    if (this.end.count !== records) throw countMismatch(this.end, records);
    return this.end;
  }

  /** The line number of the end line (after `finish`). */
  get endLineNumber(): number {
    return this.endLine;
  }
}
