/**
 * The admin page's paper upload: the bytes go to a private temporary file and through the same streaming
 * importer as the command line (lib/retrieval/import.ts), strictly: a bad line imports nothing of its batch
 * (uploads are at most 1 MB, one batch) and is named in the message.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SqlClient } from "../db/sql";
import { importPapersFile, type PaperFormat, PaperImportError } from "../retrieval";

export async function importUploadedPapers(
  sql: SqlClient,
  bytes: Buffer,
  format: PaperFormat,
): Promise<{ ok: true; message: string } | { ok: false; error: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "lmr-upload-"));
  const file = path.join(dir, "papers.jsonl");
  try {
    await writeFile(file, bytes, { mode: 0o600 });
    const r = await importPapersFile(sql, file, { format, strict: true, restart: true });
    const stored = r.added + r.updated + r.unchanged;
    if (stored === 0) return { ok: false, error: "the file holds no papers" };
    return {
      ok: true,
      message: `Imported ${stored} papers: ${r.added} new, ${r.updated} updated, ${r.unchanged} unchanged.`,
    };
  } catch (e) {
    if (e instanceof PaperImportError) return { ok: false, error: e.message };
    if ((e as { code?: string }).code === "Z_DATA_ERROR")
      return { ok: false, error: "the gzip data is corrupt" };
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
