/** The one I/O helper of lib/retrieval: reads and validates a papers JSONL file. */
import { readFileSync } from "node:fs";
import { type Paper, parsePapersJsonl } from "./papers";

/** Throws PaperImportError naming the first bad line, or the fs error if the file cannot be read. */
export function readPapersFile(path: string): Paper[] {
  return parsePapersJsonl(readFileSync(path, "utf8"));
}

/** Path of the bundled sample (the ten seed abstracts). */
export const SAMPLE_PAPERS_PATH = new URL("./sample-papers.jsonl", import.meta.url);

export function readSamplePapers(): Paper[] {
  return parsePapersJsonl(readFileSync(SAMPLE_PAPERS_PATH, "utf8"));
}
