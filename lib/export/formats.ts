/**
 * Export file formats, each an encoder fed one page of records at a time (so a whole export never sits in
 * memory): JSONL, CSV (RFC 4180), Parquet (hyparquet-writer, one row group per page) and Chatbot Arena's
 * battle JSONL, which lib/ranking's CLI reads. The text formats end with an end line (lib/export/end.ts) so a
 * download cut short is detectable. Pure apart from the Parquet library.
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { endLine } from "./end";
import { RECORD_FIELDS, type SciArenaEvalRecord } from "./record";

export const EXPORT_FORMATS = ["jsonl", "csv", "parquet", "arena"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_INFO: Record<ExportFormat, { extension: string; contentType: string; label: string }> = {
  jsonl: { extension: "jsonl", contentType: "application/x-ndjson; charset=utf-8", label: "JSONL" },
  csv: { extension: "csv", contentType: "text/csv; charset=utf-8", label: "CSV" },
  parquet: { extension: "parquet", contentType: "application/vnd.apache.parquet", label: "Parquet" },
  arena: {
    extension: "battles.jsonl",
    contentType: "application/x-ndjson; charset=utf-8",
    label: "Chatbot Arena battles",
  },
};

/** Turns pages of records into bytes: `page` per page in order, then `end` once (the end line, if any). */
export interface RecordEncoder {
  page(records: readonly SciArenaEvalRecord[], winners: readonly string[]): Uint8Array;
  end(): Uint8Array;
}

const utf8 = new TextEncoder();

/**
 * RFC 4180: a field with a comma, quote, CR or LF is quoted, with quotes doubled; so is one with a `#`, so a
 * reader that skips `#` comment lines (the end line, lib/export/end.ts) never cuts a field.
 */
export function csvField(value: string): string {
  return /[",\r\n#]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvValue(v: unknown): string {
  if (typeof v === "string") return csvField(v);
  if (typeof v === "number") return String(v);
  return csvField(JSON.stringify(v));
}

export function csvHeader(): string {
  return `${RECORD_FIELDS.join(",")}\r\n`;
}

export function csvRow(r: SciArenaEvalRecord): string {
  return `${RECORD_FIELDS.map((f) => csvValue(r[f])).join(",")}\r\n`;
}

/** Chatbot Arena's battle line; `winner` is model_a | model_b | tie | tie (bothbad). */
export function arenaBattleLine(r: SciArenaEvalRecord, winner: string): string {
  return `${JSON.stringify({ model_a: r.modelA, model_b: r.modelB, winner, tstamp: r.tstamp })}\n`;
}

/** The Parquet schema of the record: strings, JSON for the nested fields, a double timestamp. */
const PARQUET_SCHEMA = [
  { name: "root", num_children: RECORD_FIELDS.length },
  ...RECORD_FIELDS.map((name) =>
    name === "tstamp"
      ? { name, type: "DOUBLE" as const, repetition_type: "REQUIRED" as const }
      : name === "citation_a" || name === "citation_b" || name === "paper_bank"
        ? {
            name,
            type: "BYTE_ARRAY" as const,
            converted_type: "JSON" as const,
            repetition_type: "REQUIRED" as const,
          }
        : {
            name,
            type: "BYTE_ARRAY" as const,
            converted_type: "UTF8" as const,
            repetition_type: "REQUIRED" as const,
          },
  ),
];

/**
 * A ByteWriter whose bytes are taken out after each row group (`flush`), so its buffer holds at most one
 * row group, however many rows the file has.
 */
class DrainingWriter extends ByteWriter {
  private out: Uint8Array[] = [];
  flush() {
    this.out.push(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }
  finish() {
    this.flush();
  }
  take(): Uint8Array {
    const parts = this.out;
    this.out = [];
    if (parts.length === 1) return parts[0];
    const size = parts.reduce((s, p) => s + p.length, 0);
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }
}

function parquetEncoder(): RecordEncoder {
  const writer = new DrainingWriter();
  const parquet = new ParquetWriter({ writer, schema: PARQUET_SCHEMA, createdBy: "lmresearch export" });
  return {
    page(records) {
      if (records.length === 0) return writer.take();
      const columnData = RECORD_FIELDS.map((name) => ({
        name,
        data: records.map((r) => r[name]) as unknown[],
      }));
      // One row group per page; the writer is synchronous here (flush returns nothing).
      parquet.write({ columnData, rowGroupSize: records.length });
      return writer.take();
    },
    end() {
      parquet.finish();
      return writer.take();
    },
  };
}

export function encoderFor(format: ExportFormat): RecordEncoder {
  if (format === "parquet") return parquetEncoder();
  let count = 0;
  if (format === "csv") {
    let started = false;
    return {
      page(records) {
        const head = started ? "" : csvHeader();
        started = true;
        count += records.length;
        return utf8.encode(head + records.map(csvRow).join(""));
      },
      end: () => utf8.encode((started ? "" : csvHeader()) + endLine("csv", count)),
    };
  }
  if (format === "arena") {
    return {
      page(records, winners) {
        count += records.length;
        return utf8.encode(records.map((r, i) => arenaBattleLine(r, winners[i])).join(""));
      },
      end: () => utf8.encode(endLine("arena", count)),
    };
  }
  return {
    page(records) {
      count += records.length;
      return utf8.encode(records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    },
    end: () => utf8.encode(endLine("jsonl", count)),
  };
}
