/**
 * Idempotent data setup: builds data/corpus/flexmix-mini.jsonl if it is missing or stale (made by another
 * corpus recipe or from other packages of the lock file: `corpusInputsKey`), then data/index/flexmix-mini/ if it is missing, unreadable, of another format version or
 * built from different corpus bytes. When both are current it only hashes the corpus (well under a second).
 * Progress goes to stderr (one rewritten line on a terminal, plain lines otherwise).
 */

import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { buildCorpus, corpusInputsKey } from "../engine/corpus/build";
import { buildFmIndex, FmIndexFileError, readManifest } from "../engine/fm/index";
import { progressPrinter } from "../engine/fm/progress";

const CORPUS = "data/corpus/flexmix-mini.jsonl";
const CORPUS_STAMP = `${CORPUS}.version`;
const INDEX = "data/index/flexmix-mini";

async function sha256(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

async function main(): Promise<void> {
  const log = (s: string) => process.stderr.write(`setup:data: ${s}\n`);
  const stamp = existsSync(CORPUS_STAMP) ? readFileSync(CORPUS_STAMP, "utf8").trim() : "";
  const inputs = corpusInputsKey(".");
  if (!existsSync(CORPUS) || stamp !== inputs) {
    log(
      `building corpus ${CORPUS}${existsSync(CORPUS) ? " (its recipe or the lock file's packages changed)" : ""}`,
    );
    const r = buildCorpus({
      out: CORPUS,
      onProgress: (d, docs, bytes) => log(`corpus ${d}: ${docs} docs, ${(bytes / 1e6).toFixed(1)} MB`),
    });
    // Written whole and renamed into place, as the corpus is: an interrupted run leaves no half-written stamp,
    // and a hard-linked copy of the old one (another checkout's data/) is left as it was.
    writeFileSync(`${CORPUS_STAMP}.tmp`, `${inputs}\n`);
    renameSync(`${CORPUS_STAMP}.tmp`, CORPUS_STAMP);
    log(`corpus: ${r.docs} docs, ${(r.bytes / 1e6).toFixed(1)} MB`);
  }
  const digest = await sha256(CORPUS);
  let reason = "";
  try {
    const m = readManifest(INDEX);
    if (m.source.sha256 !== digest) reason = "the corpus changed";
  } catch (e) {
    reason =
      e instanceof FmIndexFileError && e.code === "INDEX_MISSING" ? "no index yet" : (e as Error).message;
  }
  if (reason === "") {
    log("corpus and index are current");
    return;
  }
  log(`building index ${INDEX} (${reason})`);
  const r = await buildFmIndex({
    inputs: [CORPUS],
    out: INDEX,
    onProgress: progressPrinter("setup:data index"),
  });
  const m = r.manifest;
  log(
    `index: ${m.shards.length} shards, ${(m.indexBytes / 1e6).toFixed(1)} MB ` +
      `(${(m.indexBytes / m.totalBytes).toFixed(2)}x corpus) in ${(r.elapsedMs / 1000).toFixed(1)} s`,
  );
}

main().catch((e) => {
  process.stderr.write(`setup:data: error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
